using System.Text.Json.Serialization;

namespace Canvas.ChatApi.Streaming;

/// <summary>
/// A client → server WebSocket message (PROTOCOL.md, "WebSocket messages"): <c>start</c>, <c>resume</c> or
/// <c>cancel</c>, each using the fields it needs.
/// </summary>
public sealed record ChatSocketRequest(
    string? Type,
    string? RequestId = null,
    string? AgentId = null,
    string? ConversationId = null,
    string? Message = null,
    string? FallbackFrom = null,
    string? GenerationId = null,
    long? AfterSeq = null,
    string? IdempotencyKey = null,
    string? EditMessageId = null);

/// <summary>
/// The server's answer to a refused WebSocket request; the socket stays open. A refusal that says how long to wait
/// (a per-user limit) is retryable after <see cref="RetryAfterMs"/>, as the HTTP 429's <c>Retry-After</c>.
/// </summary>
public sealed record ChatSocketRefusal(
    string? RequestId,
    string? GenerationId,
    string Code,
    string Message)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";

    public bool Retryable => RetryAfterMs is not null;

    public long? RetryAfterMs { get; init; }
}
