using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>
/// The REST tier: <c>POST /api/chat</c> returns the whole answer; while it runs, the generation snapshot is
/// polled so the user sees progress, the reasoning as well as the text. Resuming polls the snapshot until the
/// generation ends.
/// </summary>
/// <remarks>
/// Progress needs the generation id before the answer is complete. In an existing conversation the client finds it
/// as the conversation's <c>activeGenerationId</c> (the generation answering the last user message); the first
/// answer of a new conversation is shown when it arrives. Events carry text beyond the resume point only, so
/// exactly-once holds by length.
/// </remarks>
/// <param name="http">An HttpClient on the frontend's own origin.</param>
/// <param name="api">The API, for conversations and snapshots.</param>
/// <param name="options">The poll interval.</param>
public sealed class RestChatTransport(HttpClient http, ICanvasApi api, ChatTransportOptions options) : IChatTransport
{
    /// <inheritdoc/>
    public TransportTier Tier => TransportTier.Rest;

    /// <inheritdoc/>
    public bool DeliversEachEvent => false;

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatEvent> StartAsync(ChatStart start, TransportTier? fallbackFrom, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The conversation may still be answering an earlier message (a tab that gave up on it); that generation
        // is not ours.
        var earlier = start.ConversationId is { } existing ? (await api.GetConversationAsync(existing, cancellationToken))?.ActiveGenerationId : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/chat")
        {
            Content = JsonContent.Create(new ChatStartBody(start.AgentId, start.ConversationId, start.Message, start.EditMessageId), ClientJsonContext.Default.ChatStartBody),
        };
        if (fallbackFrom is { } from)
        {
            request.Headers.Add(SseEventStream.FallbackFromHeader, from.ToWire());
        }

        request.Headers.Add(SseEventStream.IdempotencyKeyHeader, start.IdempotencyKey);

        var sent = http.SendAsync(request, cancellationToken);
        string? generationId = null;
        var shown = new Shown(0, 0);
        long lastSeq = 0;
        while (await WaitOrPollAsync(sent, cancellationToken) is false)
        {
            if (generationId is null && start.ConversationId is { } conversationId
                && (await api.GetConversationAsync(conversationId, cancellationToken))?.ActiveGenerationId is { } active && active != earlier)
            {
                generationId = active;
                yield return new ChatEvent { Type = ChatEvent.Meta, GenerationId = generationId, ConversationId = conversationId, Transport = "rest" };
            }

            if (generationId is not null && await api.GetGenerationAsync(generationId, cancellationToken) is { } snapshot)
            {
                lastSeq = snapshot.LastSeq;
                foreach (var progress in Progress(generationId, snapshot.Reasoning, snapshot.Text, lastSeq, shown))
                {
                    yield return progress;
                }

                shown = shown.Covering(snapshot.Text, snapshot.Reasoning);
            }
        }

        using var response = await sent;
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiProblemException.FromResponseAsync(response, cancellationToken);
        }

        var answer = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.RestChatAnswer, cancellationToken)
            ?? throw new TransportFailedException(Tier, "The chat API answered with an empty body.");
        if (generationId is null)
        {
            yield return new ChatEvent { Type = ChatEvent.Meta, GenerationId = answer.GenerationId, ConversationId = answer.ConversationId, Transport = "rest" };
        }

        foreach (var progress in Progress(answer.GenerationId, answer.Reasoning, answer.Text, lastSeq, shown))
        {
            yield return progress;
        }

        yield return new ChatEvent { Type = ChatEvent.Done, GenerationId = answer.GenerationId, Seq = lastSeq, FinishReason = answer.FinishReason, Usage = answer.Usage };
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatEvent> ResumeAsync(ResumePoint point, TransportTier? fallbackFrom, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var shown = new Shown(point.TextLength, point.ReasoningLength);
        while (true)
        {
            var snapshot = await api.GetGenerationAsync(point.GenerationId, cancellationToken);
            if (snapshot is null)
            {
                yield return new ChatEvent { Type = ChatEvent.Error, GenerationId = point.GenerationId, Seq = point.AfterSeq, Code = "not_found", Message = "This answer is no longer available." };
                yield break;
            }

            foreach (var progress in Progress(point.GenerationId, snapshot.Reasoning, snapshot.Text, snapshot.LastSeq, shown))
            {
                yield return progress;
            }

            shown = shown.Covering(snapshot.Text, snapshot.Reasoning);
            if (!snapshot.IsRunning)
            {
                yield return Terminal(point.GenerationId, snapshot);
                yield break;
            }

            await Task.Delay(options.RestPollInterval, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public Task<bool> TryCancelAsync(string generationId, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <inheritdoc/>
    public async Task<TierProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await api.GetAgentsAsync(cancellationToken);
            return new(Tier, true, $"Plain requests reach the chat API and are signed in ({clock.Elapsed.TotalMilliseconds:0} ms).", clock.Elapsed);
        }
        catch (Exception exception) when (exception is HttpRequestException or ApiProblemException)
        {
            return new(Tier, false, $"Plain requests to the chat API fail: {exception.Message}", clock.Elapsed);
        }
    }

    private async Task<bool> WaitOrPollAsync(Task body, CancellationToken cancellationToken)
    {
        await Task.WhenAny(body, Task.Delay(options.RestPollInterval, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        return body.IsCompleted;
    }

    // A snapshot (or the finished answer) holds everything so far; only what lies beyond what was shown is new. The
    // reasoning comes first, as it does on the streaming tiers.
    private static IEnumerable<ChatEvent> Progress(string generationId, string? reasoning, string text, long seq, Shown shown)
    {
        if (reasoning is not null && reasoning.Length > shown.Reasoning)
        {
            yield return new ChatEvent { Type = ChatEvent.Reasoning, GenerationId = generationId, Seq = seq, Text = reasoning[shown.Reasoning..] };
        }

        if (text.Length > shown.Text)
        {
            yield return new ChatEvent { Type = ChatEvent.Delta, GenerationId = generationId, Seq = seq, Text = text[shown.Text..] };
        }
    }

    // How much of the answer and of its reasoning the user has seen.
    private readonly record struct Shown(int Text, int Reasoning)
    {
        public Shown Covering(string text, string? reasoning) => new(Math.Max(Text, text.Length), Math.Max(Reasoning, reasoning?.Length ?? 0));
    }

    // The snapshot names how the generation ended; the fallbacks cover an API that leaves a field out.
    private static ChatEvent Terminal(string generationId, GenerationSnapshot snapshot) => snapshot.Status switch
    {
        "error" => new ChatEvent
        {
            Type = ChatEvent.Error,
            GenerationId = generationId,
            Seq = snapshot.LastSeq,
            Code = snapshot.Error?.Code ?? "upstream_error",
            Message = snapshot.Error?.Message ?? "The answer failed on the server.",
            Retryable = snapshot.Error?.Retryable ?? true,
        },
        "cancelled" => new ChatEvent { Type = ChatEvent.Done, GenerationId = generationId, Seq = snapshot.LastSeq, FinishReason = snapshot.FinishReason ?? "cancelled" },
        _ => new ChatEvent { Type = ChatEvent.Done, GenerationId = generationId, Seq = snapshot.LastSeq, FinishReason = snapshot.FinishReason ?? "stop" },
    };
}
