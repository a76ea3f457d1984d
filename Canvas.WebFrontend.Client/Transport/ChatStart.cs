using System.Text.Json.Serialization;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>What the user asked: a message to an agent, in a conversation or a new one.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="ConversationId">The conversation; null starts a new one.</param>
/// <param name="Message">The user's message.</param>
/// <param name="EditMessageId">
/// A user message of the conversation to cut it at: it and everything after it are replaced by <paramref name="Message"/>
/// (regenerate, regenerate with another agent, edit and resend). Null adds a message.
/// </param>
public sealed record ChatStart(string AgentId, string? ConversationId, string Message, string? EditMessageId = null)
{
    /// <summary>
    /// Gets the idempotency key every tier's start of this answer carries (the <c>Idempotency-Key</c> header, or
    /// <c>idempotencyKey</c> on the socket): when a connection drops before <c>meta</c> and the client starts again on
    /// another tier, the server continues the same answer instead of starting a second.
    /// </summary>
    public string IdempotencyKey { get; init; } = Guid.NewGuid().ToString("N");
}

/// <summary>Where a generation's stream stands on the client: the last event seen and the text and reasoning received.</summary>
/// <param name="GenerationId">The generation.</param>
/// <param name="AfterSeq">The last <c>seq</c> received; -1 replays from <c>meta</c>.</param>
/// <param name="TextLength">The length of the answer text received, for tiers that deliver text, not events.</param>
/// <param name="ReasoningLength">The length of the reasoning received, likewise.</param>
public sealed record ResumePoint(string GenerationId, long AfterSeq, int TextLength, int ReasoningLength = 0);

/// <summary>The JSON body of <c>POST /api/chat/sse</c> and <c>POST /api/chat</c>.</summary>
internal sealed record ChatStartBody(
    string AgentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ConversationId,
    string Message,
    string? EditMessageId = null);

/// <summary>A client → server WebSocket message (PROTOCOL.md, "WebSocket messages").</summary>
internal sealed record WebSocketClientMessage(string Type)
{
    public string? RequestId { get; init; }
    public string? AgentId { get; init; }
    public string? ConversationId { get; init; }
    public string? Message { get; init; }
    public string? FallbackFrom { get; init; }
    public string? GenerationId { get; init; }
    public long? AfterSeq { get; init; }
    public string? IdempotencyKey { get; init; }
    public string? EditMessageId { get; init; }
}
