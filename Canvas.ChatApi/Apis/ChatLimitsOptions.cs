namespace Canvas.ChatApi.Apis;

/// <summary>Size and rate limits of chat requests, bound from <c>Canvas:Limits</c>.</summary>
public sealed class ChatLimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Canvas:Limits";

    /// <summary>Gets or sets the longest user message, in characters. The default is 32,000.</summary>
    public int MaxMessageChars { get; set; } = 32_000;

    /// <summary>Gets or sets the largest HTTP request body on the chat endpoints, in bytes. The default is 256 KiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Gets or sets the largest WebSocket message a client may send, in bytes. The default is 256 KiB.</summary>
    public int MaxWebSocketMessageBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Gets or sets how many answers one user may start per minute (a burst of as many, then one every
    /// 60/N seconds), on any tier, counted across all replicas when Redis is configured. The default is 30.
    /// </summary>
    public int StartsPerMinute { get; set; } = 30;

    /// <summary>
    /// Gets or sets how many streams one user may hold open at once, on all replicas together when Redis is
    /// configured: SSE answers and resumes, REST answers being waited for, and WebSockets (each carries any number
    /// of answers). The default is 20.
    /// </summary>
    public int MaxOpenStreamsPerUser { get; set; } = 20;

    /// <summary>Gets or sets how often an idle SSE stream gets a keep-alive comment. The default is 15 seconds.</summary>
    public TimeSpan SseKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long a client may leave the events sent to it unread (a write to its connection pending)
    /// before it is disconnected, so a stalled reader holds no buffers; it can resume from its last <c>seq</c>.
    /// A slow client never slows the generation or other clients either way. The default is 30 seconds.
    /// </summary>
    public TimeSpan SlowConsumerTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
