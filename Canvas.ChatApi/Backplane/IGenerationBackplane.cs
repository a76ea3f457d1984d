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
    /// <summary>Registers a new generation and starts its owner's heartbeat lease (creating counts as a heartbeat).</summary>
    /// <param name="record">The generation's owner and ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidOperationException">A generation with that id exists already.</exception>
    Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the generation as <see cref="CreateAsync"/> does with <paramref name="meta"/> (seq 0) as its first
    /// event, in one step where the backplane can: every reader that finds the generation finds its <c>meta</c>.
    /// </summary>
    /// <param name="record">The generation's owner and ids.</param>
    /// <param name="meta">Its first event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidOperationException">A generation with that id exists already.</exception>
    async Task CreateWithMetaAsync(GenerationRecord record, MetaEvent meta, CancellationToken cancellationToken)
    {
        await CreateAsync(record, cancellationToken).ConfigureAwait(false);
        await AppendAsync(meta, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds a generation, or null when it never existed or its retention has passed.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<GenerationRecord?> FindAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an event whose <see cref="GenerationEvent.Seq"/> must be the next one. Returns false, appending
    /// nothing, when that <c>seq</c> is already taken (another writer declared the generation lost), is not the
    /// next one, follows the terminal event, or the generation is unknown. A terminal event starts the retention
    /// period. A runner that gets false has lost its generation and should stop.
    /// </summary>
    /// <param name="generationEvent">The event to append.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Yields the events with <c>seq</c> greater than <paramref name="afterSeq"/>: first the stored ones, then the
    /// live tail, ending after the terminal event. Pass -1 to read from <c>meta</c>. Yields nothing when the
    /// generation is unknown (or its retention passed), or when <paramref name="afterSeq"/> is at or past the
    /// terminal event.
    /// </summary>
    /// <remarks>
    /// A reader that waits longer than <see cref="BackplaneOptions.OwnerTimeout"/> without a heartbeat ends the
    /// generation itself with <see cref="ErrorCodes.GenerationLost"/>, so a reader never hangs on a dead runner.
    /// </remarks>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="afterSeq">The last <c>seq</c> the reader already has.</param>
    /// <param name="cancellationToken">Ends the reading; never the generation.</param>
    IAsyncEnumerable<GenerationEvent> ReadAsync(string generationId, long afterSeq, CancellationToken cancellationToken);

    /// <summary>Returns the stored events as they are now, without waiting for more.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<GenerationEvent>> ReadStoredAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the generation's <c>meta</c> (seq 0) without reading the events after it; null when the generation is
    /// unknown (or its retention passed) or its <c>meta</c> is not stored yet.
    /// </summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<MetaEvent?> ReadMetaAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the generation with <see cref="ErrorCodes.GenerationLost"/> when it has no terminal event and its runner's
    /// lease has expired, exactly as a waiting reader would; for a status snapshot, which waits for nothing. Returns
    /// whether the log now holds more than <paramref name="lastSeq"/>. The default (a backplane whose runners live in
    /// this process, so cannot be lost alone) does nothing.
    /// </summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="lastSeq">The last <c>seq</c> the caller read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> EndIfRunnerLostAsync(string generationId, long lastSeq, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Whether the replica still renews its lease (see <see cref="BackplaneOptions.OwnerTimeout"/>), as readers judge
    /// a runner lost. The default (a backplane of one process, the only replica there is) says yes.
    /// </summary>
    /// <param name="replicaId">The replica's id (<see cref="ReplicaIdentity.Id"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> IsReplicaAliveAsync(string replicaId, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Renews the owner's lease on a running generation; see <see cref="BackplaneOptions.OwnerTimeout"/>.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task HeartbeatAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the generation's runner, on whichever replica it runs, to stop. The request is remembered, so a runner
    /// that subscribes only afterwards is still told.
    /// </summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task RequestCancelAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onCancel"/> when a cancel is requested for the generation, from any replica,
    /// until the returned handle is disposed. The subscription is active when the task completes; a cancel
    /// requested earlier calls <paramref name="onCancel"/> right away. The callback may run on a pub/sub thread:
    /// keep it short (cancel a token) and let it not throw.
    /// </summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="onCancel">What to do on cancel; called at most once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken);
}
