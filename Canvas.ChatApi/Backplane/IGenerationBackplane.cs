using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The log of every generation, shared by all replicas: the runner appends, any number of subscribers read
/// (replay from a resume point, then the live tail), and cancel requests travel to the runner's replica.
/// </summary>
/// <remarks>
/// Implementations guarantee, for one generation: an append succeeds for a given <c>seq</c> at most once,
/// and <see cref="ReadAsync"/> yields every event after the resume point exactly once, in order, ending with the
/// terminal event. A generation whose runner stops heartbeating without a terminal event ends, for all of its
/// subscribers, with one retryable <see cref="ErrorCodes.GenerationLost"/> error.
/// </remarks>
public interface IGenerationBackplane
{
    /// <summary>Registers a new generation and starts its owner's heartbeat lease.</summary>
    /// <param name="record">The generation's owner and ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken);

    /// <summary>Finds a generation, or null when it never existed or its retention has passed.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<GenerationRecord?> FindAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an event whose <see cref="GenerationEvent.Seq"/> must be the next one. Returns false, appending
    /// nothing, when that <c>seq</c> is already taken (another writer declared the generation lost).
    /// A terminal event starts the retention period.
    /// </summary>
    /// <param name="generationEvent">The event to append.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Yields the events with <c>seq</c> greater than <paramref name="afterSeq"/>: first the stored ones, then the
    /// live tail, ending after the terminal event. Pass -1 to read from <c>meta</c>.
    /// </summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="afterSeq">The last <c>seq</c> the reader already has.</param>
    /// <param name="cancellationToken">Ends the reading; never the generation.</param>
    IAsyncEnumerable<GenerationEvent> ReadAsync(string generationId, long afterSeq, CancellationToken cancellationToken);

    /// <summary>Returns the stored events as they are now, without waiting for more.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<GenerationEvent>> ReadStoredAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>Renews the owner's lease on a running generation; see <see cref="BackplaneOptions.OwnerTimeout"/>.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task HeartbeatAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>Asks the generation's runner, on whichever replica it runs, to stop.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task RequestCancelAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onCancel"/> when a cancel is requested for the generation, from any replica,
    /// until the returned handle is disposed. The subscription is active when the task completes.
    /// </summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="onCancel">What to do on cancel; called at most once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken);
}
