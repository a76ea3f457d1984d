using System.Collections.Concurrent;
using Canvas.ChatApi.Backplane;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Per-user open streams in Redis, shared by all replicas: one sorted set per user (one key, so Cluster-safe) whose
/// members are stream leases scored by when they expire. Each replica renews the leases it holds, one command per
/// user per <see cref="RenewalPeriod"/>; a replica that dies stops renewing, and its streams stop counting at most
/// <see cref="LeaseTime"/> later.
/// </summary>
/// <remarks>
/// The replica's clock scores the leases (replicas' clocks agree to well under a lease), so they expire on
/// <see cref="TimeProvider"/> like everything else. Without Redis no answer can stream anyway, so an unreachable
/// Redis lets the stream through rather than being what the client sees.
/// </remarks>
public sealed partial class RedisOpenStreamStore : IOpenStreamStore, IDisposable
{
    /// <summary>How long a stream lease counts without a renewal.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(60);

    /// <summary>How often the replica renews the leases it holds.</summary>
    public static readonly TimeSpan RenewalPeriod = TimeSpan.FromSeconds(20);

    // KEYS[1]: the user's leases. ARGV: now (ms), lease id, lease time (ms), max. Returns 1 when opened, else 0.
    private const string OpenScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
        redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // KEYS[1]: the user's leases. ARGV: the new expiry (ms), lease time (ms), then the lease ids. Renews those still there.
    private const string RenewScript = """
        for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 0
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _replica = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly ITimer _renewal;
    private long _nextLease;

    /// <summary>Creates the store over the shared multiplexer.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">Supplies the key prefix.</param>
    /// <param name="time">The clock the leases expire on.</param>
    /// <param name="logger">Where an unreachable Redis is reported.</param>
    public RedisOpenStreamStore(IConnectionMultiplexer connection, IOptions<BackplaneOptions> options, TimeProvider time, ILogger<RedisOpenStreamStore> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _prefix = options.Value.KeyPrefix;
        _time = time;
        _logger = logger;
        _renewal = time.CreateTimer(_ => _ = RenewAsync(), null, RenewalPeriod, RenewalPeriod);
    }

    private IDatabase Database => _connection.GetDatabase();

    /// <inheritdoc/>
    public async ValueTask<IDisposable?> TryOpenAsync(string userId, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var lease = $"{_replica}:{Interlocked.Increment(ref _nextLease)}";
        try
        {
            var opened = await Database.ScriptEvaluateAsync(
                    OpenScript,
                    [KeyOf(userId)],
                    [_time.GetUtcNow().ToUnixTimeMilliseconds(), lease, (long)LeaseTime.TotalMilliseconds, max])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if ((long)opened == 0)
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogUnreachable(exception);
            return new OpenStream(null, userId, lease);
        }

        _held[lease] = userId;
        return new OpenStream(this, userId, lease);
    }

    /// <summary>Stops renewing; the leases still held then expire, as if the replica had died.</summary>
    public void Dispose() => _renewal.Dispose();

    private RedisKey KeyOf(string userId) => $"{_prefix}:streams:{{{userId}}}";

    private void Close(string userId, string lease)
    {
        _held.TryRemove(lease, out _);
        // Fire and forget: a close that never reaches Redis only leaves a lease that expires on its own.
        Database.SortedSetRemove(KeyOf(userId), lease, CommandFlags.FireAndForget);
    }

    private async Task RenewAsync()
    {
        var expiry = (_time.GetUtcNow() + LeaseTime).ToUnixTimeMilliseconds();
        var renewals = _held.GroupBy(held => held.Value, held => held.Key, StringComparer.Ordinal).Select(user =>
            Database.ScriptEvaluateAsync(
                RenewScript,
                [KeyOf(user.Key)],
                [expiry, (long)LeaseTime.TotalMilliseconds, .. user.Select(lease => (RedisValue)lease)]));
        try
        {
            await Task.WhenAll(renewals).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // A missed renewal is survivable: a lease outlasts several periods.
            LogRenewalFailed(exception);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The open-stream limit could not reach Redis; the stream is let through.")]
    private partial void LogUnreachable(Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Renewing the open-stream leases failed.")]
    private partial void LogRenewalFailed(Exception exception);

    private sealed class OpenStream(RedisOpenStreamStore? store, string userId, string lease) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                store?.Close(userId, lease);
            }
        }
    }
}
