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

    /// <summary>
    /// Gets or sets how many answers this instance runs at once; a start past it is refused with 503
    /// <c>server_busy</c> and <c>Retry-After</c> before anything is stored. Null (the default) derives it from the
    /// process's open-file limit: each running answer holds two descriptors (its client's socket and its
    /// provider's), so about (limit − <see cref="ReservedFileDescriptors"/>) / 2; no cap where there is no limit.
    /// Whatever it is set to, a start is also refused when the instance's client connections and running answers
    /// would use more descriptors than the limit leaves.
    /// </summary>
    public int? MaxConcurrentAnswers { get; set; }

    /// <summary>
    /// Gets or sets how many of the process's file descriptors are kept for everything but answers and their
    /// clients: loaded assemblies (two each), Redis, listeners, logs, the providers' idle pooled connections. The
    /// default is 1,000.
    /// </summary>
    public int ReservedFileDescriptors { get; set; } = 1_000;

    /// <summary>Gets or sets how often an idle SSE stream gets a keep-alive comment. The default is 15 seconds.</summary>
    public TimeSpan SseKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long a client may leave the events sent to it unread (a write to its connection pending)
    /// before it is disconnected, so a stalled reader holds no buffers; it can resume from its last <c>seq</c>.
    /// A slow client never slows the generation or other clients either way. The default is 30 seconds.
    /// </summary>
    public TimeSpan SlowConsumerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long an open stream reads on through failing Redis reads (a restart, a Cluster's
    /// <c>CLUSTERDOWN</c>) before it gives up so its client resumes elsewhere: an SSE or WebSocket connection is then
    /// closed under the client, a REST answer refused 503 <c>server_busy</c>, and the client resumes from its last
    /// <c>seq</c>, on this instance or another. An instance that cannot reach part of Redis (a node its client no longer
    /// reconnects to) so never holds a client for good. The default is 30 seconds.
    /// </summary>
    public TimeSpan StorageOutageTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
