namespace Canvas.WebFrontend.Client.Transport;

/// <summary>The deadlines and retry pacing behind tier fallback, in one place.</summary>
public sealed class ChatTransportOptions
{
    /// <summary>Gets or sets how long a WebSocket may take to open. The default is 3 seconds.</summary>
    public TimeSpan WebSocketOpenTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Gets or sets how long, on WebSocket and SSE, the first event (<c>meta</c>, which the API sends as soon as
    /// it accepts the request) may take. Longer means a proxy is buffering the stream. The default is 5 seconds.
    /// </summary>
    public TimeSpan FirstEventTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the longest silence on a WebSocket or SSE stream once it has started. The API sends an SSE
    /// keep-alive every 15 seconds, so this is well above it. The default is 45 seconds.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Gets or sets how long a REST answer may take in all: REST is the last tier and has no stream to watch.
    /// The default is 10 minutes.
    /// </summary>
    public TimeSpan RestAnswerTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how often REST polls the generation snapshot for progress. The default is 500 milliseconds.</summary>
    public TimeSpan RestPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the first pause before trying every tier again. The default is 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest pause between two rounds of retries. The default is 15 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how many times every tier is tried again, after backoff with jitter, before the client says
    /// it is disconnected. The default is 4.
    /// </summary>
    public int MaxRetryRounds { get; set; } = 4;

    /// <summary>
    /// Gets or sets how long after a fallback the higher tier is probed again in the background (doubling after
    /// each failed probe, up to <see cref="RetryMaxDelay"/> × 4). The default is 10 seconds.
    /// </summary>
    public TimeSpan ReprobeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the first-event deadline for a tier.</summary>
    /// <param name="tier">The tier.</param>
    /// <returns>The deadline.</returns>
    public TimeSpan FirstEventDeadline(TransportTier tier) => tier == TransportTier.Rest ? RestAnswerTimeout : FirstEventTimeout;

    /// <summary>Gets the idle deadline for a tier once events flow.</summary>
    /// <param name="tier">The tier.</param>
    /// <returns>The deadline.</returns>
    public TimeSpan IdleDeadline(TransportTier tier) => tier == TransportTier.Rest ? RestAnswerTimeout : StreamIdleTimeout;
}
