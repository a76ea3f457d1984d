using Canvas.ChatApi.Backplane;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Per-user start buckets in Redis, one key per user updated by one script, so all replicas share them: behind N
/// replicas a user still gets the one limit.
/// </summary>
/// <remarks>
/// The replica's clock is passed to the script (replicas' clocks agree to well under a start interval), so the
/// buckets refill on <see cref="TimeProvider"/> like everything else. A single key per call is Cluster-safe.
/// </remarks>
public sealed partial class RedisStartRateStore : IStartRateStore
{
    // KEYS[1]: the user's theoretical arrival time (ms). ARGV: now (ms), interval (ms), burst.
    // Returns 0 when a start was taken, otherwise the wait in ms.
    private const string TakeScript = """
        local now = tonumber(ARGV[1])
        local interval = tonumber(ARGV[2])
        local arrival = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
        local wait = arrival + interval - tonumber(ARGV[3]) * interval - now
        if wait > 0 then
          return wait
        end
        redis.call('SET', KEYS[1], arrival + interval, 'PX', arrival + interval - now)
        return 0
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the store over the shared multiplexer.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">Supplies the key prefix.</param>
    /// <param name="time">The clock the buckets refill on.</param>
    /// <param name="logger">Where an unreachable Redis is reported.</param>
    public RedisStartRateStore(IConnectionMultiplexer connection, IOptions<BackplaneOptions> options, TimeProvider time, ILogger<RedisStartRateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _prefix = options.Value.KeyPrefix;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async ValueTask<TimeSpan?> TryTakeAsync(string userId, TimeSpan interval, int burst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        RedisResult result;
        try
        {
            result = await _connection.GetDatabase().ScriptEvaluateAsync(
                    TakeScript,
                    [(RedisKey)$"{_prefix}:starts:{userId}"],
                    [_time.GetUtcNow().ToUnixTimeMilliseconds(), Math.Max(1, (long)interval.TotalMilliseconds), burst])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Without Redis no answer can stream anyway; the limit must not be what a client sees.
            LogUnreachable(exception);
            return null;
        }

        var wait = (long)result;
        return wait > 0 ? TimeSpan.FromMilliseconds(wait) : null;
    }

    [LoggerMessage(1, LogLevel.Warning, "The start limit could not reach Redis; the start is let through.")]
    private partial void LogUnreachable(Exception exception);
}
