using System.Diagnostics;
using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Telemetry;

/// <summary>
/// The span and metrics of one chat request, from the request until its stream ends. Transports report each
/// event they deliver through <see cref="OnDelivered"/>; the first delta gives time to first token, the
/// terminal event the outcome.
/// </summary>
public sealed class ChatRequestScope : IDisposable
{
    private readonly ChatTelemetry _telemetry;
    private readonly string _tier;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _provider;
    private string _outcome = "client_disconnected";
    private bool _firstTokenSeen;
    private bool _disposed;

    internal ChatRequestScope(ChatTelemetry telemetry, string operation, string tier, string? fallbackFrom)
    {
        _telemetry = telemetry;
        _tier = tier;
        Activity = ChatTelemetry.Source.StartActivity($"{operation} {tier}", ActivityKind.Server);
        Activity?.SetTag("canvas.transport", tier);
        if (Tiers.IsKnown(fallbackFrom))
        {
            Activity?.SetTag("canvas.transport.fallback_from", fallbackFrom);
            telemetry.Fallbacks.Add(1, new("from", fallbackFrom), new("to", tier));
        }

        telemetry.ActiveStreams.Add(1, new KeyValuePair<string, object?>("transport", tier));
    }

    /// <summary>Gets the span, or null when nobody listens.</summary>
    public Activity? Activity { get; }

    /// <summary>Records the agent the request is for.</summary>
    public void SetAgent(Agent agent)
    {
        _provider = agent.Provider;
        Activity?.SetTag("canvas.agent.id", agent.Id);
        Activity?.SetTag("gen_ai.provider.name", agent.Provider);
        Activity?.SetTag("gen_ai.request.model", agent.Model);
    }

    /// <summary>Records the generation a resume request streams, which may start after its <c>meta</c>.</summary>
    public void SetResumed(GenerationRecord generation)
    {
        Activity?.SetTag("canvas.agent.id", generation.AgentId);
        SetGeneration(generation.GenerationId, generation.ConversationId);
    }

    /// <summary>Records the generation and conversation the request streams.</summary>
    public void SetGeneration(string generationId, string conversationId)
    {
        Activity?.SetTag("canvas.generation.id", generationId);
        Activity?.SetTag("canvas.conversation.id", conversationId);
    }

    /// <summary>Records a refusal before any stream started (bad input, unknown agent…).</summary>
    public void Refused(string code)
    {
        _outcome = "refused";
        Activity?.SetStatus(ActivityStatusCode.Error, code);
    }

    /// <summary>Records an event delivered to the client.</summary>
    public void OnDelivered(GenerationEvent generationEvent)
    {
        switch (generationEvent)
        {
            case MetaEvent meta:
                _provider ??= meta.Provider;
                Activity?.SetTag("canvas.agent.id", meta.AgentId);
                Activity?.SetTag("gen_ai.provider.name", meta.Provider);
                Activity?.SetTag("gen_ai.request.model", meta.Model);
                SetGeneration(meta.GenerationId, meta.ConversationId);
                break;
            case DeltaEvent when !_firstTokenSeen:
                _firstTokenSeen = true;
                _telemetry.TimeToFirstToken.Record(
                    Stopwatch.GetElapsedTime(_started).TotalSeconds,
                    new("transport", _tier), new("provider", _provider));
                break;
            case DoneEvent done:
                _outcome = done.FinishReason == FinishReasons.Cancelled ? "cancelled" : "completed";
                Activity?.SetTag("gen_ai.usage.input_tokens", done.Usage?.InputTokens);
                Activity?.SetTag("gen_ai.usage.output_tokens", done.Usage?.OutputTokens);
                Activity?.SetTag("gen_ai.response.finish_reasons", new[] { done.FinishReason });
                break;
            case ErrorEvent error:
                _outcome = "error";
                Activity?.SetTag("error.type", error.Code);
                Activity?.SetStatus(ActivityStatusCode.Error, error.Message);
                break;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _telemetry.ActiveStreams.Add(-1, new KeyValuePair<string, object?>("transport", _tier));
        _telemetry.Requests.Add(1, new("transport", _tier), new("provider", _provider), new("outcome", _outcome));
        Activity?.Dispose();
    }
}
