using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The backplane shared by all replicas through Redis: one stream per generation is the replayable log, pub/sub
/// announces each event for a low-latency tail, a key with a TTL is the owner's lease, and cancel requests are a
/// flag plus a message. See <see cref="RedisGenerationScripts"/> for the atomic steps and
/// <see cref="RedisGenerationKeys"/> for the key layout.
/// </summary>
/// <remarks>
/// <para>
/// Readers on the replica that runs a generation are fed in process (<see cref="LocalGenerationFeed"/>) with the
/// events the log accepted, so they cost Redis nothing; readers on other replicas, and any reader once the
/// generation has ended, read Redis. A replica's generations stay alive for the others through one lease per
/// replica (<see cref="RedisReplicaLease"/>), not one heartbeat per generation.
/// </para>
/// <para>
/// Only non-blocking commands go over the shared multiplexer (no <c>XREAD BLOCK</c>): readers wait on pub/sub and
/// re-read the stream with XRANGE after a gap or a quiet period, which also heals messages pub/sub dropped during
/// a reconnect. StackExchange.Redis keeps one server subscription per channel per multiplexer and fans each
/// message out to every local queue, so many readers of one generation cost one subscription.
/// </para>
/// </remarks>
public sealed partial class RedisGenerationBackplane : IGenerationBackplane, IDisposable
{
    private const int ReadBatchSize = 512;
    private const string EventField = "e";
    private static readonly TimeSpan FirstAppendRetryPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxAppendRetryPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CancelRetryPause = TimeSpan.FromMilliseconds(500);

    private readonly IConnectionMultiplexer connection;
    private readonly BackplaneOptions options;
    private readonly ILogger<RedisGenerationBackplane> logger;
    private readonly long runningTtlMs;
    private readonly string appendScript;
    private readonly ReplicaIdentity replica;
    private readonly RedisReplicaLease lease;
    private readonly ConcurrentDictionary<string, LocalGenerationFeed> localFeeds = new(StringComparer.Ordinal);

    // The key names of the generations this replica runs, built once instead of once per append.
    private readonly ConcurrentDictionary<string, RedisGenerationKeys> ownedKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReplicaLiveness> replicaLiveness = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OneShotCallback> localCancels = new(StringComparer.Ordinal);
    private readonly Lock replicaCancelsGate = new();
    private Task? replicaCancels;

    /// <summary>Creates the backplane over a shared multiplexer, as a replica of its own.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">The backplane settings.</param>
    /// <param name="logger">Where lost generations and healed gaps are reported.</param>
    public RedisGenerationBackplane(
        IConnectionMultiplexer connection,
        IOptions<BackplaneOptions> options,
        ILogger<RedisGenerationBackplane> logger)
        : this(connection, options, new ReplicaIdentity(), logger)
    {
    }

    /// <summary>Creates the backplane over a shared multiplexer for this process's replica.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">The backplane settings.</param>
    /// <param name="replica">This replica; generations it owns are fed to local readers and kept alive by its lease.</param>
    /// <param name="logger">Where lost generations and healed gaps are reported.</param>
    public RedisGenerationBackplane(
        IConnectionMultiplexer connection,
        IOptions<BackplaneOptions> options,
        ReplicaIdentity replica,
        ILogger<RedisGenerationBackplane> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(logger);
        this.connection = connection;
        this.options = options.Value;
        this.replica = replica;
        this.logger = logger;
        lease = new RedisReplicaLease(connection, this.options, replica.Id, logger);
        connection.ConnectionRestored += OnConnectionRestored;

        // A running generation's keys outlive its lease by the retention period, so an abandoned one that no reader
        // ever declared lost still disappears, and one that was declared lost stays replayable as long as any other.
        runningTtlMs = ToMilliseconds(this.options.OwnerTimeout + this.options.Retention);
        appendScript = RedisGenerationScripts.Append(this.options.MaxEventsPerGeneration, ToMilliseconds(this.options.Retention), runningTtlMs);
    }

    private IDatabase Database => connection.GetDatabase();

    private ISubscriber Subscriber => connection.GetSubscriber();

    /// <inheritdoc/>
    public async Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var keys = KeysOf(record.GenerationId);
        var owned = record.OwnerReplicaId == replica.Id;
        if (owned)
        {
            await lease.EnsureStartedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(record, CanvasJsonContext.Default.GenerationRecord);
        var created = await Database.ScriptEvaluateAsync(
                RedisGenerationScripts.Create,
                [keys.Record, keys.Lease],
                [json, runningTtlMs, ToMilliseconds(options.OwnerTimeout)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)created != 1)
        {
            throw new InvalidOperationException($"Generation '{record.GenerationId}' already exists.");
        }

        if (owned)
        {
            ownedKeys[record.GenerationId] = keys;
            localFeeds[record.GenerationId] = new LocalGenerationFeed();
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One script on the generation's slot instead of a create and an append. A call that fails on the connection is
    /// sent again as an append is (<see cref="AppendAsync"/>): the script recognises its own earlier attempt.
    /// </remarks>
    public async Task CreateWithMetaAsync(GenerationRecord record, MetaEvent meta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(meta);
        var keys = KeysOf(record.GenerationId);
        var owned = record.OwnerReplicaId == replica.Id;
        if (owned)
        {
            await lease.EnsureStartedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(record, CanvasJsonContext.Default.GenerationRecord);
        RedisValue[] arguments =
            [json, runningTtlMs, ToMilliseconds(options.OwnerTimeout), meta.ToUtf8Json(), options.MaxEventsPerGeneration];
        Task<RedisResult> Create() =>
            Database.ScriptEvaluateAsync(RedisGenerationScripts.CreateWithMeta, [keys.Record, keys.Lease, keys.Log], arguments);
        long created;
        try
        {
            created = (long)await Create().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
        {
            created = (long)await SendAgainAsync(Create, meta, exception, cancellationToken).ConfigureAwait(false);
        }

        if (created == 0)
        {
            throw new InvalidOperationException($"Generation '{record.GenerationId}' already exists.");
        }

        if (owned)
        {
            ownedKeys[record.GenerationId] = keys;
            var feed = new LocalGenerationFeed();
            feed.Add(meta);
            localFeeds[record.GenerationId] = feed;
        }
    }

    /// <inheritdoc/>
    public async Task<GenerationRecord?> FindAsync(string generationId, CancellationToken cancellationToken)
    {
        var json = await Database.StringGetAsync(KeysOf(generationId).Record).WaitAsync(cancellationToken).ConfigureAwait(false);
        return json.IsNull
            ? null
            : JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)json).Span, CanvasJsonContext.Default.GenerationRecord);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// An append that fails on the connection (Redis restarting, a command timing out) is sent again until
    /// <see cref="BackplaneOptions.OwnerTimeout"/> has passed since the first failure, the time after which the other
    /// replicas would declare the generation lost anyway. That is safe because the script takes the same event at
    /// its seq only once: an attempt whose reply was lost is answered as appended, stored and announced once.
    /// Local readers wait for the retry; only an append that gives up (it then throws) sends them to the log.
    /// The first attempt awaits the multiplexer's own task in this one method: the retries, rare, live apart, so a
    /// token costs one state machine here instead of one per layer.
    /// </remarks>
    public async Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generationEvent);
        RedisAppendOutcome outcome;
        Exception? transient = null;
        try
        {
            outcome = AppendResult.Of(await SendAppendAsync(generationEvent, AppendMode.Append).WaitAsync(cancellationToken).ConfigureAwait(false), generationEvent.Seq).Outcome;
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
        {
            outcome = default;
            transient = exception;
        }
        catch (Exception)
        {
            // Whether the log took the event is unknown: local readers go on from the log, which knows.
            AbandonFeed(generationEvent.GenerationId);
            throw;
        }

        if (transient is not null)
        {
            try
            {
                outcome = await AppendAgainAsync(generationEvent, transient, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                AbandonFeed(generationEvent.GenerationId);
                throw;
            }
        }

        return Appended(generationEvent, outcome);
    }

    /// <summary>Feeds local readers an event the log took, or sends them to the log when it refused it.</summary>
    private bool Appended(GenerationEvent generationEvent, RedisAppendOutcome outcome)
    {
        var generationId = generationEvent.GenerationId;
        var appended = outcome is RedisAppendOutcome.Appended or RedisAppendOutcome.AlreadyAppended;
        if (localFeeds.TryGetValue(generationId, out var feed))
        {
            if (!appended)
            {
                AbandonFeed(generationId);
            }
            else
            {
                feed.Add(generationEvent);
                if (generationEvent.IsTerminal)
                {
                    localFeeds.TryRemove(new KeyValuePair<string, LocalGenerationFeed>(generationId, feed));
                    ownedKeys.TryRemove(generationId, out _);
                }
            }
        }

        return appended;
    }

    /// <summary>Sends an append again after <paramref name="firstFailure"/>, until it lands or the owner timeout passed.</summary>
    private async Task<RedisAppendOutcome> AppendAgainAsync(GenerationEvent generationEvent, Exception firstFailure, CancellationToken cancellationToken) =>
        AppendResult.Of(
            await SendAgainAsync(() => SendAppendAsync(generationEvent, AppendMode.Append), generationEvent, firstFailure, cancellationToken).ConfigureAwait(false),
            generationEvent.Seq).Outcome;

    /// <summary>
    /// Sends a write of <paramref name="generationEvent"/> that failed transiently again, pausing longer each time, for
    /// up to the owner timeout: the scripts take the same event at its seq once, so a write whose reply was lost is safe
    /// to send again.
    /// </summary>
    private async Task<RedisResult> SendAgainAsync(
        Func<Task<RedisResult>> send, GenerationEvent generationEvent, Exception firstFailure, CancellationToken cancellationToken)
    {
        var givingUpAt = Environment.TickCount64 + ToMilliseconds(options.OwnerTimeout);
        var pause = FirstAppendRetryPause;
        var failure = firstFailure;
        while (true)
        {
            LogAppendRetried(generationEvent.GenerationId, generationEvent.Seq, failure.GetType().Name);
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxAppendRetryPause.Ticks));
            try
            {
                return await send().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (TransientRedis.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
            {
                if (Environment.TickCount64 >= givingUpAt)
                {
                    LogAppendGaveUp(generationEvent.GenerationId, generationEvent.Seq, options.OwnerTimeout);
                    throw;
                }

                failure = exception;
            }
        }
    }

    /// <summary>Stops renewing this replica's lease: its generations are then declared lost by the other replicas.</summary>
    public void Dispose()
    {
        connection.ConnectionRestored -= OnConnectionRestored;
        lease.Dispose();
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<GenerationEvent> ReadAsync(
        string generationId,
        long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = KeysOf(generationId);
        var last = afterSeq;
        if (localFeeds.TryGetValue(generationId, out var feed))
        {
            await foreach (var generationEvent in feed.ReadAsync(afterSeq, cancellationToken).ConfigureAwait(false))
            {
                yield return generationEvent;
                if (generationEvent.IsTerminal)
                {
                    yield break;
                }

                last = generationEvent.Seq;
            }

            // The feed was abandoned before the terminal event: the log has the rest.
        }

        // Subscribe before the first XRANGE: an event appended in between is then in the stream or on the
        // channel, never in neither. Awaiting means the server has confirmed the subscription.
        var announcements = await SubscribeWithinOwnerTimeoutAsync(keys.EventsChannel, cancellationToken).ConfigureAwait(false);
        await using var tail = new RedisLiveTail(announcements, options.HeartbeatInterval, cancellationToken);

        string? owner = null;
        while (true)
        {
            var stored = await ReadRangeAsync(keys.Log, last, ReadBatchSize).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var generationEvent in stored)
            {
                yield return generationEvent;
                last = generationEvent.Seq;
                if (generationEvent.IsTerminal)
                {
                    yield break;
                }
            }

            if (stored.Count == ReadBatchSize)
            {
                continue;
            }

            if (stored.Count == 0)
            {
                owner ??= (await FindAsync(generationId, cancellationToken).ConfigureAwait(false))?.OwnerReplicaId ?? "";
                switch (await CheckOwnerAsync(generationId, owner, last).WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    case OwnerCheck.Ended:
                        yield break;
                    case OwnerCheck.MoreStored:
                        continue;
                }
            }

            while (await tail.NextAsync().ConfigureAwait(false) is { } announced)
            {
                if (announced.Seq <= last)
                {
                    continue;
                }

                if (announced.Seq != last + 1)
                {
                    // Pub/sub lost a message (a reconnect, a slow consumer): the stream has it.
                    LogGapHealed(generationId, last, announced.Seq);
                    break;
                }

                yield return announced;
                last = announced.Seq;
                if (announced.IsTerminal)
                {
                    yield break;
                }
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<GenerationEvent>> ReadStoredAsync(string generationId, CancellationToken cancellationToken) =>
        await ReadRangeAsync(KeysOf(generationId).Log, -1, count: null).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<MetaEvent?> ReadMetaAsync(string generationId, CancellationToken cancellationToken) =>
        await ReadRangeAsync(KeysOf(generationId).Log, -1, count: 1).WaitAsync(cancellationToken).ConfigureAwait(false) is [MetaEvent meta]
            ? meta
            : null;

    /// <inheritdoc/>
    public async Task<bool> EndIfRunnerLostAsync(string generationId, long lastSeq, CancellationToken cancellationToken)
    {
        var owner = (await FindAsync(generationId, cancellationToken).ConfigureAwait(false))?.OwnerReplicaId ?? "";
        return await CheckOwnerAsync(generationId, owner, lastSeq).WaitAsync(cancellationToken).ConfigureAwait(false) == OwnerCheck.MoreStored;
    }

    /// <inheritdoc/>
    public async Task<bool> IsReplicaAliveAsync(string replicaId, CancellationToken cancellationToken) =>
        await IsReplicaAliveAsync(replicaId).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task HeartbeatAsync(string generationId, CancellationToken cancellationToken)
    {
        var keys = KeysOf(generationId);
        await Database.ScriptEvaluateAsync(
                RedisGenerationScripts.Heartbeat,
                keys.LogRecordLease,
                [ToMilliseconds(options.OwnerTimeout), runningTtlMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A runner on the generation's owner replica hears its cancel on that replica's one channel (the message is the
    /// generation id), so running a generation subscribes to nothing of its own; any other subscriber listens on the
    /// generation's own channel. A request made on the runner's replica is heard in process, with no Redis at all;
    /// any other goes to both channels.
    /// </remarks>
    public async Task RequestCancelAsync(string generationId, CancellationToken cancellationToken)
    {
        // A stop asked on the runner's own replica needs no Redis: it is heard at once, even while Redis is slow or
        // restarting, and the runner's answer then ends stored as cancelled as any other.
        if (localCancels.TryGetValue(generationId, out var local))
        {
            local.Invoke();
            return;
        }

        var keys = KeysOf(generationId);

        // The flag reaches a runner that subscribes after this request; the message one that already listens. So the
        // flag is set before either message goes out; the owner is read meanwhile, and both messages go out at once:
        // two round trips to the runner's ear instead of four (a stop waits for them, and each crosses a Cluster).
        var flagged = Database.StringSetAsync(keys.Cancel, 1, TimeSpan.FromMilliseconds(runningTtlMs));
        var record = FindAsync(generationId, cancellationToken);
        await Task.WhenAll(flagged, record).WaitAsync(cancellationToken).ConfigureAwait(false);
        Task toListeners = Subscriber.PublishAsync(keys.CancelChannel, 1);
        await (record.Result?.OwnerReplicaId is { } owner
                ? Task.WhenAll(toListeners, Subscriber.PublishAsync(ReplicaCancelChannel(owner), generationId))
                : toListeners)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onCancel);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = KeysOf(generationId);
        var callback = new OneShotCallback(onCancel);
        IAsyncDisposable subscription;
        if (localFeeds.ContainsKey(generationId))
        {
            // A runner never fails for Redis not taking its subscription now (a node restarting): the replica's one
            // subscription keeps trying in the background and, once it holds, reads the flags of the cancels sent
            // meanwhile. It is waited for up to the owner timeout, not the token: it is shared and stays for the process.
            localCancels[generationId] = callback;
            subscription = new LocalCancelSubscription(localCancels, generationId, callback);
            try
            {
                await EnsureReplicaCancelsAsync().WaitAsync(options.OwnerTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogReplicaCancelsPending(generationId);
            }
        }
        else
        {
            var requests = await SubscribeWithinOwnerTimeoutAsync(keys.CancelChannel, cancellationToken).ConfigureAwait(false);
            subscription = new CancelSubscription(requests, callback);
            requests.OnMessage(_ => callback.Invoke());
        }

        try
        {
            if (await Database.KeyExistsAsync(keys.Cancel).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                callback.Invoke();
            }
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
        {
            // The flag is read again in the background until Redis answers: a cancel sent before is not missed.
            _ = CheckCancelFlagAsync(generationId, callback);
        }
        catch (Exception)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return subscription;
    }

    /// <summary>
    /// Subscribes, giving up after the owner timeout (a <see cref="RedisTimeoutException"/>, transient: the caller reads
    /// again) or on the token, however long the multiplexer would wait: a reader whose Redis does not answer must fail
    /// as a runner's lease does, not wait with it. A subscription given up on is removed once Redis confirms it, so
    /// none stays registered with nobody reading it.
    /// </summary>
    private async Task<ChannelMessageQueue> SubscribeWithinOwnerTimeoutAsync(RedisChannel channel, CancellationToken cancellationToken)
    {
        var subscribing = Subscriber.SubscribeAsync(channel);
        try
        {
            return await subscribing.WaitAsync(options.OwnerTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            _ = subscribing.ContinueWith(
                static subscribed => subscribed.Result.UnsubscribeAsync(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
            if (exception is TimeoutException and not RedisTimeoutException)
            {
                // The multiplexer's own timeout, had it come first, says the same.
                throw new RedisTimeoutException(CommandFlags.None, $"SUBSCRIBE got no answer within the owner timeout ({options.OwnerTimeout}).", CommandStatus.Unknown);
            }

            throw;
        }
    }

    /// <summary>
    /// Pub/sub drops what is published while a subscription's connection is down, and the multiplexer subscribes again
    /// by itself once it is back: so this replica's runners then read their cancel flags, which every stop sets before
    /// it publishes, and a stop sent meanwhile is not missed (its answer would otherwise run to its end).
    /// </summary>
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs restored)
    {
        if (restored.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        foreach (var (generationId, callback) in localCancels)
        {
            _ = CheckCancelFlagAsync(generationId, callback);
        }
    }

    /// <summary>Runs the callback if the generation's cancel flag is set, asking again while Redis fails transiently.</summary>
    private async Task CheckCancelFlagAsync(string generationId, OneShotCallback callback)
    {
        while (!callback.IsSettled)
        {
            try
            {
                if (await Database.KeyExistsAsync(KeysOf(generationId).Cancel).ConfigureAwait(false))
                {
                    callback.Invoke();
                }

                return;
            }
            catch (Exception exception) when (TransientRedis.IsTransient(exception))
            {
                await Task.Delay(CancelRetryPause).ConfigureAwait(false);
            }
        }
    }

    private RedisGenerationKeys KeysOf(string generationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(generationId);
        return new RedisGenerationKeys(options.KeyPrefix, generationId);
    }

    private RedisChannel ReplicaCancelChannel(string replicaId) =>
        RedisChannel.Literal($"{options.KeyPrefix}:replica:{{{replicaId}}}:cancel");

    private Task EnsureReplicaCancelsAsync()
    {
        lock (replicaCancelsGate)
        {
            // A subscription that failed (Redis was down) is tried again by the next runner.
            if (replicaCancels is null || replicaCancels.IsFaulted || replicaCancels.IsCanceled)
            {
                replicaCancels = SubscribeReplicaCancelsAsync();
            }

            return replicaCancels;
        }
    }

    /// <summary>
    /// Subscribes this replica's cancel channel, trying again while Redis fails transiently; a subscription that held
    /// only after a retry reads the flags of the generations running meanwhile, whose cancel messages it missed.
    /// </summary>
    private async Task SubscribeReplicaCancelsAsync()
    {
        var retried = false;
        while (true)
        {
            try
            {
                var requests = await Subscriber.SubscribeAsync(ReplicaCancelChannel(replica.Id)).ConfigureAwait(false);
                requests.OnMessage(message =>
                {
                    if (localCancels.TryGetValue(message.Message.ToString(), out var callback))
                    {
                        callback.Invoke();
                    }
                });
                break;
            }
            catch (Exception exception) when (TransientRedis.IsTransient(exception))
            {
                LogReplicaCancelsRetried(exception.GetType().Name);
                retried = true;
                await Task.Delay(CancelRetryPause).ConfigureAwait(false);
            }
        }

        foreach (var (generationId, callback) in retried ? localCancels.ToArray() : [])
        {
            _ = CheckCancelFlagAsync(generationId, callback);
        }
    }

    private void AbandonFeed(string generationId)
    {
        ownedKeys.TryRemove(generationId, out _);
        if (localFeeds.TryRemove(generationId, out var feed))
        {
            feed.Abandon();
        }
    }

    /// <summary>Sends the append script for one event; the multiplexer's own task, awaited by the caller.</summary>
    private Task<RedisResult> SendAppendAsync(GenerationEvent generationEvent, AppendMode mode)
    {
        var keys = ownedKeys.TryGetValue(generationEvent.GenerationId, out var owned) ? owned : KeysOf(generationEvent.GenerationId);
        return Database.ScriptEvaluateAsync(
            appendScript,
            keys.LogRecordLease,
            [generationEvent.Seq, generationEvent.ToUtf8Json(), generationEvent.IsTerminal ? 1 : 0, (int)mode]);
    }

    /// <summary>
    /// Called when a reader found nothing new: ends the generation with <c>generation_lost</c> if its owner is gone
    /// (its replica's lease, or for a generation without an owner replica its own lease, expired), through the same
    /// exactly-once append as the runner's, so every reader sees the same single error. While the owner lives it
    /// only asks the log whether more is stored or the generation ended.
    /// </summary>
    private async Task<OwnerCheck> CheckOwnerAsync(string generationId, string owner, long last)
    {
        var mode = owner.Length > 0 && await IsReplicaAliveAsync(owner).ConfigureAwait(false) ? AppendMode.Probe : AppendMode.DeclareLost;
        var seq = last + 1;
        while (true)
        {
            var (outcome, topSeq) = AppendResult.Of(await SendAppendAsync(GenerationLost.At(generationId, seq), mode).ConfigureAwait(false), seq);
            switch (outcome)
            {
                case RedisAppendOutcome.Appended:
                    LogGenerationLost(generationId, seq, options.OwnerTimeout);
                    return OwnerCheck.MoreStored;
                case RedisAppendOutcome.LeaseAlive:
                    return OwnerCheck.Alive;
                case RedisAppendOutcome.Unknown:
                    return OwnerCheck.Ended;
                case RedisAppendOutcome.Finished:
                case RedisAppendOutcome.NotNext when topSeq > last:
                    return topSeq > last ? OwnerCheck.MoreStored : OwnerCheck.Ended;
                default:
                    // The reader resumed past the log's end; the log's own next seq is the one to close it with.
                    seq = topSeq + 1;
                    break;
            }
        }
    }

    /// <summary>
    /// Whether a replica is alive, asked of Redis at most once per heartbeat interval per replica. A missing lease
    /// key alone does not make it dead: a Cluster node that restarts or fails over can forget the key, or a replica's
    /// connection to that node can come back a moment later than a reader's, and a live replica puts the key back at
    /// its next renewal. Only a lease seen missing on checks two heartbeat intervals apart, with no sighting between,
    /// is a replica that stopped renewing.
    /// </summary>
    private async ValueTask<bool> IsReplicaAliveAsync(string replicaId)
    {
        if (replicaId == replica.Id)
        {
            return true;
        }

        var now = Environment.TickCount64;
        var known = replicaLiveness.GetValueOrDefault(replicaId);
        if (known is not null && now - known.CheckedAt < options.HeartbeatInterval.TotalMilliseconds)
        {
            return known.Alive;
        }

        var present = await Database.KeyExistsAsync(RedisReplicaLease.KeyOf(options.KeyPrefix, replicaId)).ConfigureAwait(false);
        var missingSince = present ? (long?)null : known?.MissingSince ?? now;
        var alive = missingSince is not { } since || now - since < LeaseConfirmationMs;
        replicaLiveness[replicaId] = new ReplicaLiveness(now, alive, missingSince);
        return alive;
    }

    // Two renewal periods: a live replica renews once per period, so one of its renewals falls between two checks
    // this far apart.
    private double LeaseConfirmationMs => 2 * options.HeartbeatInterval.TotalMilliseconds;

    private async Task<List<GenerationEvent>> ReadRangeAsync(RedisKey log, long afterSeq, int? count)
    {
        RedisValue start = afterSeq < 0 ? "-" : $"({afterSeq}-1";
        var entries = await Database.StreamRangeAsync(log, start, "+", count).ConfigureAwait(false);
        var events = new List<GenerationEvent>(entries.Length);
        foreach (var entry in entries)
        {
            events.Add(DeserializeEvent(entry[EventField]));
        }

        return events;
    }

    internal static GenerationEvent DeserializeEvent(RedisValue json) =>
        json.IsNull
            ? throw new InvalidDataException("A generation log entry holds no event.")
            : GenerationEvent.FromUtf8Json((byte[])json!);

    private static long ToMilliseconds(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Generation {GenerationId} had no heartbeat for {OwnerTimeout}; ended it with generation_lost at seq {Seq}")]
    private partial void LogGenerationLost(string generationId, long seq, TimeSpan ownerTimeout);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Append of seq {Seq} of generation {GenerationId} failed transiently ({ExceptionType}); sending it again")]
    private partial void LogAppendRetried(string generationId, long seq, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Append of seq {Seq} of generation {GenerationId} still failed {OwnerTimeout} after its first failure; giving up")]
    private partial void LogAppendGaveUp(string generationId, long seq, TimeSpan ownerTimeout);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Subscribing this replica's cancel channel failed ({ExceptionType}); trying again")]
    private partial void LogReplicaCancelsRetried(string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Generation {GenerationId} runs before its replica's cancel subscription holds; a cancel sent meanwhile is read from its flag once it does")]
    private partial void LogReplicaCancelsPending(string generationId);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Reader of generation {GenerationId} got seq {AnnouncedSeq} after {LastSeq}; re-reading the log to fill the gap")]
    private partial void LogGapHealed(string generationId, long lastSeq, long announcedSeq);

    /// <summary>The append script's reply: what it did, and the log's top seq after it.</summary>
    private readonly record struct AppendResult(RedisAppendOutcome Outcome, long TopSeq)
    {
        /// <summary>Reads the reply to the append of <paramref name="seq"/>: 1 when appended, else a pair.</summary>
        public static AppendResult Of(RedisResult reply, long seq)
        {
            if (reply.Resp2Type == ResultType.Integer)
            {
                return new(RedisAppendOutcome.Appended, seq);
            }

            var values = (RedisResult[])reply!;
            return new((RedisAppendOutcome)(long)values[0], (long)values[1]);
        }
    }

    /// <summary>What the append script does (its fourth argument).</summary>
    private enum AppendMode
    {
        /// <summary>Append when the seq is next.</summary>
        Append = 0,

        /// <summary>Append (a <c>generation_lost</c>) when the seq is next and the generation's own lease expired.</summary>
        DeclareLost = 1,

        /// <summary>Never append: report whether the log has ended or holds more (the owner is alive).</summary>
        Probe = 2,
    }

    /// <summary>What this replica last saw of another's lease, on its own clock (<see cref="Environment.TickCount64"/>).</summary>
    /// <param name="CheckedAt">When Redis was last asked.</param>
    /// <param name="Alive">The verdict of that check.</param>
    /// <param name="MissingSince">The first of the checks, since the last that saw the lease, that found it missing.</param>
    private sealed record ReplicaLiveness(long CheckedAt, bool Alive, long? MissingSince);

    private enum OwnerCheck
    {
        /// <summary>The owner still heartbeats: wait for the tail.</summary>
        Alive,

        /// <summary>The log has events the reader has not read yet.</summary>
        MoreStored,

        /// <summary>Nothing more will come: the generation ended before the reader's position, or is unknown.</summary>
        Ended,
    }

    private sealed class LocalCancelSubscription(
        ConcurrentDictionary<string, OneShotCallback> callbacks, string generationId, OneShotCallback callback) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            callback.Revoke();
            callbacks.TryRemove(new KeyValuePair<string, OneShotCallback>(generationId, callback));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CancelSubscription(ChannelMessageQueue requests, OneShotCallback callback) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            callback.Revoke();
            await requests.UnsubscribeAsync().ConfigureAwait(false);
        }
    }
}
