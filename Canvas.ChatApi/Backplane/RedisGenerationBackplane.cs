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
/// Only non-blocking commands go over the shared multiplexer (no <c>XREAD BLOCK</c>): readers wait on pub/sub and
/// re-read the stream with XRANGE after a gap or a quiet period, which also heals messages pub/sub dropped during
/// a reconnect. StackExchange.Redis keeps one server subscription per channel per multiplexer and fans each
/// message out to every local queue, so many readers of one generation cost one subscription.
/// </remarks>
public sealed partial class RedisGenerationBackplane : IGenerationBackplane
{
    private const int ReadBatchSize = 512;
    private const string EventField = "e";

    private readonly IConnectionMultiplexer connection;
    private readonly BackplaneOptions options;
    private readonly ILogger<RedisGenerationBackplane> logger;
    private readonly long runningTtlMs;

    /// <summary>Creates the backplane over a shared multiplexer.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">The backplane settings.</param>
    /// <param name="logger">Where lost generations and healed gaps are reported.</param>
    public RedisGenerationBackplane(
        IConnectionMultiplexer connection,
        IOptions<BackplaneOptions> options,
        ILogger<RedisGenerationBackplane> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        this.connection = connection;
        this.options = options.Value;
        this.logger = logger;

        // A running generation's keys outlive its lease by the retention period, so an abandoned one that no reader
        // ever declared lost still disappears, and one that was declared lost stays replayable as long as any other.
        runningTtlMs = ToMilliseconds(this.options.OwnerTimeout + this.options.Retention);
    }

    private IDatabase Database => connection.GetDatabase();

    private ISubscriber Subscriber => connection.GetSubscriber();

    /// <inheritdoc/>
    public async Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var keys = KeysOf(record.GenerationId);
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
    public async Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generationEvent);
        var (outcome, _) = await AppendCoreAsync(generationEvent, onlyIfLeaseExpired: false)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return outcome == RedisAppendOutcome.Appended;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<GenerationEvent> ReadAsync(
        string generationId,
        long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = KeysOf(generationId);

        // Subscribe before the first XRANGE: an event appended in between is then in the stream or on the
        // channel, never in neither. Awaiting means the server has confirmed the subscription.
        var announcements = await Subscriber.SubscribeAsync(keys.EventsChannel).ConfigureAwait(false);
        await using var tail = new RedisLiveTail(announcements, options.HeartbeatInterval, cancellationToken);

        var last = afterSeq;
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
                switch (await CheckOwnerAsync(generationId, last).WaitAsync(cancellationToken).ConfigureAwait(false))
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
    public async Task<bool> EndIfRunnerLostAsync(string generationId, long lastSeq, CancellationToken cancellationToken) =>
        await CheckOwnerAsync(generationId, lastSeq).WaitAsync(cancellationToken).ConfigureAwait(false) == OwnerCheck.MoreStored;

    /// <inheritdoc/>
    public async Task HeartbeatAsync(string generationId, CancellationToken cancellationToken)
    {
        var keys = KeysOf(generationId);
        await Database.ScriptEvaluateAsync(
                RedisGenerationScripts.Heartbeat,
                [keys.Log, keys.Record, keys.Lease],
                [ToMilliseconds(options.OwnerTimeout), runningTtlMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task RequestCancelAsync(string generationId, CancellationToken cancellationToken)
    {
        var keys = KeysOf(generationId);

        // The flag reaches a runner that subscribes after this request; the message one that already listens.
        await Database.StringSetAsync(keys.Cancel, 1, TimeSpan.FromMilliseconds(runningTtlMs))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        await Subscriber.PublishAsync(keys.CancelChannel, 1).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onCancel);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = KeysOf(generationId);
        var callback = new OneShotCallback(onCancel);

        // Not bounded by the token: a subscription abandoned half-way would stay registered forever.
        var requests = await Subscriber.SubscribeAsync(keys.CancelChannel).ConfigureAwait(false);
        var subscription = new CancelSubscription(requests, callback);
        requests.OnMessage(_ => callback.Invoke());
        try
        {
            if (await Database.KeyExistsAsync(keys.Cancel).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                callback.Invoke();
            }
        }
        catch (Exception)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return subscription;
    }

    private RedisGenerationKeys KeysOf(string generationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(generationId);
        return new RedisGenerationKeys(options.KeyPrefix, generationId);
    }

    private async Task<(RedisAppendOutcome Outcome, long TopSeq)> AppendCoreAsync(GenerationEvent generationEvent, bool onlyIfLeaseExpired)
    {
        var keys = KeysOf(generationEvent.GenerationId);
        var json = JsonSerializer.SerializeToUtf8Bytes(generationEvent, CanvasJsonContext.Default.GenerationEvent);
        var result = await Database.ScriptEvaluateAsync(
            RedisGenerationScripts.Append,
            [keys.Log, keys.Record, keys.Lease],
            [
                generationEvent.Seq,
                json,
                generationEvent.IsTerminal ? 1 : 0,
                options.MaxEventsPerGeneration,
                ToMilliseconds(options.Retention),
                runningTtlMs,
                keys.EventsChannel.ToString(),
                onlyIfLeaseExpired ? 1 : 0,
            ]).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        return ((RedisAppendOutcome)(long)values[0], (long)values[1]);
    }

    /// <summary>
    /// Called when a reader found nothing new: ends the generation with <c>generation_lost</c> if its lease has
    /// expired, through the same exactly-once append as the runner's, so every reader sees the same single error.
    /// </summary>
    private async Task<OwnerCheck> CheckOwnerAsync(string generationId, long last)
    {
        var seq = last + 1;
        while (true)
        {
            var (outcome, topSeq) = await AppendCoreAsync(GenerationLost.At(generationId, seq), onlyIfLeaseExpired: true)
                .ConfigureAwait(false);
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
        JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)json).Span, CanvasJsonContext.Default.GenerationEvent)
        ?? throw new InvalidDataException("A generation log entry holds no event.");

    private static long ToMilliseconds(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Generation {GenerationId} had no heartbeat for {OwnerTimeout}; ended it with generation_lost at seq {Seq}")]
    private partial void LogGenerationLost(string generationId, long seq, TimeSpan ownerTimeout);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Reader of generation {GenerationId} got seq {AnnouncedSeq} after {LastSeq}; re-reading the log to fill the gap")]
    private partial void LogGapHealed(string generationId, long lastSeq, long announcedSeq);

    private enum OwnerCheck
    {
        /// <summary>The owner still heartbeats: wait for the tail.</summary>
        Alive,

        /// <summary>The log has events the reader has not read yet.</summary>
        MoreStored,

        /// <summary>Nothing more will come: the generation ended before the reader's position, or is unknown.</summary>
        Ended,
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
