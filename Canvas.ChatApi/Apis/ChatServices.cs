using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Telemetry;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary>What the chat endpoints need, injected as one service.</summary>
public sealed class ChatServices(
    GenerationRunner runner,
    IGenerationBackplane backplane,
    ChatStartValidator validator,
    ChatStartLimiter limiter,
    ChatTelemetry telemetry,
    IOptions<ChatLimitsOptions> limits,
    TimeProvider time)
{
    public GenerationRunner Runner { get; } = runner;
    public IGenerationBackplane Backplane { get; } = backplane;
    public ChatStartValidator Validator { get; } = validator;
    public ChatTelemetry Telemetry { get; } = telemetry;
    public ChatLimitsOptions Limits { get; } = limits.Value;

    /// <summary>
    /// Reads a generation for a client from after <paramref name="afterSeq"/>, through Redis faults for up to
    /// <see cref="ChatLimitsOptions.StorageOutageTimeout"/> (<see cref="ReadThroughFaults"/>): every tier reads so.
    /// </summary>
    public IAsyncEnumerable<GenerationEvent> ReadAsync(string generationId, long afterSeq, CancellationToken cancellationToken) =>
        Backplane.ReadThroughFaultsAsync(generationId, afterSeq, Limits.StorageOutageTimeout, time, cancellationToken);

    /// <summary>
    /// Validates a start request and starts the generation, recording both on the request's scope. Every tier
    /// starts answers through here.
    /// </summary>
    public async Task<(MetaEvent? Meta, ChatRequestError? Error)> StartAsync(
        ChatRequestScope scope, string userId, string? agentId, string? conversationId, string? message, string tier,
        string? idempotencyKey, string? editMessageId, CancellationToken cancellationToken)
    {
        var (agent, error) = Validator.Validate(agentId, message, idempotencyKey, tier);
        error ??= ChatStartValidator.ValidateEdit(editMessageId, conversationId);
        error ??= await limiter.TryStartAsync(userId, cancellationToken);
        if (agent is null || error is not null)
        {
            scope.Refused(error!.Code);
            return (null, error);
        }

        scope.SetAgent(agent);
        var outcome = await Runner.StartAsync(
            new StartGeneration(userId, agent, conversationId, message!, tier, idempotencyKey, editMessageId), cancellationToken);
        if (outcome.Meta is not { } meta)
        {
            var refused = outcome.BusyRetryAfter is { } retryAfter ? ChatRequestError.Busy(retryAfter)
                : outcome.EditRefused is { } refusal ? ChatRequestError.EditRefused(refusal, editMessageId!)
                : ChatRequestError.NotFound("conversation");
            scope.Refused(refused.Code);
            return (null, refused);
        }

        scope.SetGeneration(meta.GenerationId, meta.ConversationId);
        return (meta, null);
    }
}
