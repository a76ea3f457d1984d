using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// One generation's state in <see cref="InProcessGenerationBackplane"/>: its events, its owner's lease and its
/// cancel subscribers. Every decision (is this seq next, has the lease expired) is taken under one lock, which is
/// what makes an append exactly-once.
/// </summary>
internal sealed class InProcessGenerationLog(GenerationRecord record, DateTimeOffset now)
{
    private readonly Lock gate = new();
    private readonly List<GenerationEvent> events = [];
    private readonly List<OneShotCallback> cancelCallbacks = [];
    private long firstStoredSeq;
    private long nextSeq;
    private DateTimeOffset lastHeartbeat = now;
    private DateTimeOffset? finishedAt;
    private bool cancelRequested;
    private TaskCompletionSource appended = NewSignal();

    /// <summary>Gets who owns the generation.</summary>
    public GenerationRecord Record => record;

    /// <summary>Appends <paramref name="generationEvent"/> when its seq is next and the log has not ended.</summary>
    public bool TryAppend(GenerationEvent generationEvent, DateTimeOffset now, int maxEvents)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            if (finishedAt is not null || generationEvent.Seq != nextSeq)
            {
                return false;
            }

            signal = AppendLocked(generationEvent, now, maxEvents);
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>
    /// Ends the generation with <c>generation_lost</c> at the next seq, if its lease has expired and it has not
    /// ended yet; returns the event appended, or null when another writer (or a heartbeat) came first.
    /// </summary>
    public GenerationEvent? TryDeclareLost(DateTimeOffset now, TimeSpan ownerTimeout, int maxEvents)
    {
        TaskCompletionSource signal;
        GenerationEvent lost;
        lock (gate)
        {
            if (finishedAt is not null || now < lastHeartbeat + ownerTimeout)
            {
                return null;
            }

            lost = GenerationLost.At(record.GenerationId, nextSeq);
            signal = AppendLocked(lost, now, maxEvents);
        }

        signal.TrySetResult();
        return lost;
    }

    /// <summary>Returns the events after <paramref name="afterSeq"/> and what to wait on when there are none.</summary>
    public InProcessLogSnapshot ReadAfter(long afterSeq, TimeSpan ownerTimeout)
    {
        lock (gate)
        {
            var start = (int)Math.Clamp(afterSeq + 1 - firstStoredSeq, 0, events.Count);
            var found = events.GetRange(start, events.Count - start);
            return new InProcessLogSnapshot(found, finishedAt is not null, appended.Task, lastHeartbeat + ownerTimeout);
        }
    }

    /// <summary>Returns every stored event.</summary>
    public IReadOnlyList<GenerationEvent> ReadAll()
    {
        lock (gate)
        {
            return events.ToArray();
        }
    }

    /// <summary>Returns the stored <c>meta</c>, or null when there is none.</summary>
    public MetaEvent? ReadMeta()
    {
        lock (gate)
        {
            return events is [MetaEvent meta, ..] ? meta : null;
        }
    }

    /// <summary>Renews the owner's lease, unless the generation already ended.</summary>
    public void Heartbeat(DateTimeOffset now)
    {
        lock (gate)
        {
            if (finishedAt is null)
            {
                lastHeartbeat = now;
            }
        }
    }

    /// <summary>
    /// Whether the generation's retention has passed: <paramref name="retention"/> after its terminal event, or,
    /// for one abandoned without a terminal event, after its lease expired (the same TTLs the Redis keys get). One
    /// run by this process is never abandoned while it runs, however long it stays quiet: its runner ends it.
    /// </summary>
    public bool IsExpired(DateTimeOffset now, TimeSpan retention, TimeSpan ownerTimeout)
    {
        lock (gate)
        {
            if (finishedAt is null && record.OwnerReplicaId is not null)
            {
                return false;
            }

            var expiresAt = finishedAt is { } finished ? finished + retention : lastHeartbeat + ownerTimeout + retention;
            return now >= expiresAt;
        }
    }

    /// <summary>Registers a cancel callback; it runs at once when a cancel was already requested.</summary>
    public IAsyncDisposable SubscribeCancel(Action onCancel)
    {
        var callback = new OneShotCallback(onCancel);
        bool alreadyRequested;
        lock (gate)
        {
            cancelCallbacks.Add(callback);
            alreadyRequested = cancelRequested;
        }

        if (alreadyRequested)
        {
            callback.Invoke();
        }

        return new CancelSubscription(this, callback);
    }

    /// <summary>Records the cancel request and runs every registered callback.</summary>
    public void RequestCancel()
    {
        OneShotCallback[] callbacks;
        lock (gate)
        {
            cancelRequested = true;
            callbacks = cancelCallbacks.ToArray();
        }

        // Outside the lock: a callback may do real work (cancel a provider call) or touch this log again.
        foreach (var callback in callbacks)
        {
            callback.Invoke();
        }
    }

    private TaskCompletionSource AppendLocked(GenerationEvent generationEvent, DateTimeOffset now, int maxEvents)
    {
        events.Add(generationEvent);
        nextSeq++;
        if (record.OwnerReplicaId is not null)
        {
            // A generation run by this process needs no heartbeats; its appends keep it stored while it runs.
            lastHeartbeat = now;
        }

        if (generationEvent.IsTerminal)
        {
            finishedAt = now;
        }

        // Trim in chunks of a tenth so a runaway stream at the limit does not shift the list on every append.
        if (events.Count > maxEvents + Math.Max(1, maxEvents / 10))
        {
            var excess = events.Count - maxEvents;
            events.RemoveRange(0, excess);
            firstStoredSeq += excess;
        }

        // Readers wait on the current signal; swap it under the lock, complete the old one outside it.
        var signal = appended;
        appended = NewSignal();
        return signal;
    }

    private void RemoveCancelCallback(OneShotCallback callback)
    {
        lock (gate)
        {
            cancelCallbacks.Remove(callback);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class CancelSubscription(InProcessGenerationLog log, OneShotCallback callback) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            callback.Revoke();
            log.RemoveCancelCallback(callback);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>What a reader found in an <see cref="InProcessGenerationLog"/>, and what to wait on next.</summary>
/// <param name="Events">The events after the reader's position, in order.</param>
/// <param name="Finished">Whether the log holds its terminal event.</param>
/// <param name="Appended">Completes on the next append.</param>
/// <param name="LeaseExpiresAt">When the owner's lease runs out unless it heartbeats again.</param>
internal readonly record struct InProcessLogSnapshot(
    List<GenerationEvent> Events,
    bool Finished,
    Task Appended,
    DateTimeOffset LeaseExpiresAt);
