using System.Text.Json;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>One event of a chat stream (PROTOCOL.md "Events"): its sequence number, its type and a delta's text.</summary>
/// <param name="Seq">The event's <c>seq</c>.</param>
/// <param name="Type">The event's <c>type</c>: <c>meta</c>, <c>delta</c>, <c>done</c> or <c>error</c>.</param>
/// <param name="GenerationId">The generation the event belongs to.</param>
/// <param name="Text">A delta's text; null for other events.</param>
/// <param name="Json">The event as it came, for a failure's message.</param>
public sealed record ChatStreamEvent(long Seq, string Type, string GenerationId, string? Text, string Json)
{
    /// <summary>Gets whether the event is a generation's last: <c>done</c> or <c>error</c>.</summary>
    public bool IsTerminal => Type is "done" or "error";

    /// <summary>Parses an event's JSON; fails on anything else, such as a refused request's error.</summary>
    /// <param name="json">The event JSON.</param>
    public static ChatStreamEvent Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("seq", out var seq) || !root.TryGetProperty("generationId", out var generationId))
        {
            throw new InvalidOperationException($"Not an event of a generation: {json}");
        }

        return new ChatStreamEvent(
            seq.GetInt64(),
            root.GetProperty("type").GetString()!,
            generationId.GetString()!,
            root.TryGetProperty("text", out var text) ? text.GetString() : null,
            json);
    }
}

/// <summary>
/// One answer's events as a client reads them, one by one as they arrive: over SSE through WebFrontend, as the chat
/// page does from a tab (<see cref="SseChatStream"/>), or over a WebSocket straight to one ChatApi replica
/// (<see cref="SocketChatStream"/>). Disposing the stream before its end cuts the connection, as a closed tab or a lost
/// network would.
/// </summary>
public abstract class ChatStream : IAsyncDisposable
{
    private readonly List<ChatStreamEvent> _events = [];

    /// <summary>Gets the events read so far, in the order they came.</summary>
    public IReadOnlyList<ChatStreamEvent> Events => _events;

    /// <summary>Reads the next event; fails when the server ended the stream first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ChatStreamEvent> ReadNextAsync(CancellationToken cancellationToken) =>
        await TryReadNextAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The stream ended after {_events.Count} events.");

    /// <summary>Reads events until the generation's last (<c>done</c> or <c>error</c>), or until the server ends the stream.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task ReadToEndAsync(CancellationToken cancellationToken)
    {
        while (await TryReadNextAsync(cancellationToken) is { IsTerminal: false })
        {
        }
    }

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <summary>Receives the next event's JSON, or null when the server ended the stream.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    protected abstract Task<string?> ReceiveJsonAsync(CancellationToken cancellationToken);

    private async Task<ChatStreamEvent?> TryReadNextAsync(CancellationToken cancellationToken)
    {
        if (await ReceiveJsonAsync(cancellationToken) is not { } json)
        {
            return null;
        }

        var chatEvent = ChatStreamEvent.Parse(json);
        _events.Add(chatEvent);
        return chatEvent;
    }
}
