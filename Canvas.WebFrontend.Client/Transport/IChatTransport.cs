using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>
/// One tier's way of starting, resuming and cancelling a generation. A transport that cannot carry on throws
/// <see cref="TransportFailedException"/> (or the network's own exception); a request the API refuses for a
/// reason other than the tier comes back as an <c>error</c> event. Choosing and switching tiers is
/// <see cref="ChatStreamClient"/>'s job.
/// </summary>
public interface IChatTransport
{
    /// <summary>Gets the tier this transport implements.</summary>
    TransportTier Tier { get; }

    /// <summary>
    /// Gets whether the events carry the log's real <c>seq</c>, one event each. False for REST, which sees text
    /// snapshots: its events carry the snapshot's last <c>seq</c> and only the text beyond the resume point.
    /// </summary>
    bool DeliversEachEvent { get; }

    /// <summary>Starts a generation and streams its events, <c>meta</c> first, until <c>done</c> or <c>error</c>.</summary>
    /// <param name="start">The request.</param>
    /// <param name="fallbackFrom">The tier the client fell back from, sent for the traces; null when none.</param>
    /// <param name="cancellationToken">Stops reading (it does not cancel the generation).</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<ChatEvent> StartAsync(ChatStart start, TransportTier? fallbackFrom, CancellationToken cancellationToken);

    /// <summary>Streams a generation's events after <see cref="ResumePoint.AfterSeq"/>, until it ends.</summary>
    /// <param name="point">Where to resume.</param>
    /// <param name="fallbackFrom">The tier the client fell back from; null when none.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<ChatEvent> ResumeAsync(ResumePoint point, TransportTier? fallbackFrom, CancellationToken cancellationToken);

    /// <summary>Cancels a generation over this transport's own channel, when it has one.</summary>
    /// <param name="generationId">The generation.</param>
    /// <param name="cancellationToken">Cancels sending.</param>
    /// <returns>True when sent; false when the caller should use <c>POST /api/generations/{gid}/cancel</c>.</returns>
    Task<bool> TryCancelAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>Checks, without starting a generation, whether this tier works from here right now.</summary>
    /// <param name="cancellationToken">Stops the probe.</param>
    /// <returns>What the probe found, in plain words.</returns>
    Task<TierProbeResult> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>The outcome of probing one tier.</summary>
/// <param name="Tier">The tier probed.</param>
/// <param name="Works">Whether an answer could stream over it.</param>
/// <param name="Summary">What happened, in plain words.</param>
/// <param name="Elapsed">How long the probe took to its verdict (to the first event, for SSE).</param>
public sealed record TierProbeResult(TransportTier Tier, bool Works, string Summary, TimeSpan Elapsed);
