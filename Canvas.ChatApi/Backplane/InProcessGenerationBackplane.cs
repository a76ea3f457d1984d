using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The backplane of a single ChatApi instance: every generation's log lives in this process's memory. The
/// default when no Redis is configured; it keeps the same guarantees as <see cref="RedisGenerationBackplane"/>
/// (exactly-once append, gap-free replay and tail, heartbeat lease, retention), only not across replicas.
/// </summary>
public sealed partial class InProcessGenerationBackplane : IGenerationBackplane, IDisposable
{
    private static readonly TimeSpan LongestSweepPeriod = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, InProcessGenerationLog> generations = new(StringComparer.Ordinal);
    private readonly BackplaneOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<InProcessGenerationBackplane> logger;
    private readonly ITimer sweeper;

    /// <summary>Creates the backplane and starts its retention sweep.</summary>
    /// <param name="options">The backplane settings.</param>
    /// <param name="timeProvider">The clock for leases, retention and the sweep.</param>
    /// <param name="logger">Where lost generations are reported.</param>
    public InProcessGenerationBackplane(
        IOptions<BackplaneOptions> options,
        TimeProvider timeProvider,
        ILogger<InProcessGenerationBackplane> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        this.options = options.Value;
        this.timeProvider = timeProvider;
        this.logger = logger;
        var sweepPeriod = this.options.Retention < LongestSweepPeriod ? this.options.Retention : LongestSweepPeriod;
        sweeper = timeProvider.CreateTimer(_ => RemoveExpired(), null, sweepPeriod, sweepPeriod);
    }

    /// <inheritdoc/>
    public Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var log = new InProcessGenerationLog(record, timeProvider.GetUtcNow());
        if (!generations.TryAdd(record.GenerationId, log))
        {
            throw new InvalidOperationException($"Generation '{record.GenerationId}' already exists.");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<GenerationRecord?> FindAsync(string generationId, CancellationToken cancellationToken) =>
        Task.FromResult(FindLive(generationId)?.Record);

    /// <inheritdoc/>
    public Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generationEvent);
        var appended = FindLive(generationEvent.GenerationId)
            ?.TryAppend(generationEvent, timeProvider.GetUtcNow(), options.MaxEventsPerGeneration) ?? false;
        return Task.FromResult(appended);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<GenerationEvent> ReadAsync(
        string generationId,
        long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (FindLive(generationId) is not { } log)
        {
            yield break;
        }

        var last = afterSeq;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var snapshot = log.ReadAfter(last, options.OwnerTimeout);
            foreach (var generationEvent in snapshot.Events)
            {
                yield return generationEvent;
                last = generationEvent.Seq;
                if (generationEvent.IsTerminal)
                {
                    yield break;
                }
            }

            if (snapshot.Events.Count > 0)
            {
                continue;
            }

            if (snapshot.Finished)
            {
                // The reader resumed at or past the terminal event: nothing more will come.
                yield break;
            }

            if (log.Record.OwnerReplicaId is not null)
            {
                // Run by this process, the only replica: alive as long as this code runs, so no lease to watch
                // and no timer per waiting reader.
                await snapshot.Appended.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var untilLeaseExpires = snapshot.LeaseExpiresAt - timeProvider.GetUtcNow();
            if (untilLeaseExpires <= TimeSpan.Zero)
            {
                if (log.TryDeclareLost(timeProvider.GetUtcNow(), options.OwnerTimeout, options.MaxEventsPerGeneration) is { } lost)
                {
                    LogGenerationLost(generationId, lost.Seq, options.OwnerTimeout);
                }

                continue;
            }

            try
            {
                await snapshot.Appended.WaitAsync(untilLeaseExpires, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The lease may have run out: the next turn checks it against a fresh snapshot.
            }
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<GenerationEvent>> ReadStoredAsync(string generationId, CancellationToken cancellationToken) =>
        Task.FromResult(FindLive(generationId)?.ReadAll() ?? []);

    /// <inheritdoc/>
    public Task<MetaEvent?> ReadMetaAsync(string generationId, CancellationToken cancellationToken) =>
        Task.FromResult(FindLive(generationId)?.ReadMeta());

    /// <inheritdoc/>
    public Task HeartbeatAsync(string generationId, CancellationToken cancellationToken)
    {
        FindLive(generationId)?.Heartbeat(timeProvider.GetUtcNow());
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RequestCancelAsync(string generationId, CancellationToken cancellationToken)
    {
        FindLive(generationId)?.RequestCancel();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onCancel);
        var subscription = FindLive(generationId)?.SubscribeCancel(onCancel) ?? NoSubscription.Instance;
        return Task.FromResult(subscription);
    }

    /// <summary>Stops the retention sweep.</summary>
    public void Dispose() => sweeper.Dispose();

    private InProcessGenerationLog? FindLive(string generationId)
    {
        ArgumentNullException.ThrowIfNull(generationId);
        if (!generations.TryGetValue(generationId, out var log))
        {
            return null;
        }

        // The sweep runs at most once a minute; checking here keeps "gone after Retention" exact.
        if (log.IsExpired(timeProvider.GetUtcNow(), options.Retention, options.OwnerTimeout))
        {
            generations.TryRemove(new KeyValuePair<string, InProcessGenerationLog>(generationId, log));
            return null;
        }

        return log;
    }

    private void RemoveExpired()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var (generationId, log) in generations)
        {
            if (log.IsExpired(now, options.Retention, options.OwnerTimeout))
            {
                generations.TryRemove(new KeyValuePair<string, InProcessGenerationLog>(generationId, log));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Generation {GenerationId} had no heartbeat for {OwnerTimeout}; ended it with generation_lost at seq {Seq}")]
    private partial void LogGenerationLost(string generationId, long seq, TimeSpan ownerTimeout);

    private sealed class NoSubscription : IAsyncDisposable
    {
        public static readonly NoSubscription Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
