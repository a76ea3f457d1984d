using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The one lease that keeps every generation of this replica alive for the other replicas: a key renewed every
/// <see cref="BackplaneOptions.HeartbeatInterval"/> that expires <see cref="BackplaneOptions.OwnerTimeout"/> after
/// the last renewal. However many generations the replica runs, it costs one command per interval.
/// </summary>
/// <remarks>
/// The renewals run on a thread of their own with a synchronous command, so they wait neither for a timer nor
/// behind the work queued on a busy thread pool: a saturated replica streams slower, it is never declared dead.
/// Only the reply needs the pool (.NET completes socket reads there, ahead of queued work); even a pool whose every
/// thread is blocked gets a thread injected about every half second, far inside the owner timeout. Only a stopped
/// or frozen process lets the lease lapse.
/// </remarks>
internal sealed partial class RedisReplicaLease : IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly BackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly RedisKey _key;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Lock _gate = new();
    private Task? _started;

    public RedisReplicaLease(IConnectionMultiplexer connection, BackplaneOptions options, string replicaId, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
        _key = KeyOf(options.KeyPrefix, replicaId);
    }

    /// <summary>Returns the lease key of a replica; its hash tag is the replica id.</summary>
    public static RedisKey KeyOf(string prefix, string replicaId) => $"{prefix}:replica:{{{replicaId}}}";

    /// <summary>Takes the lease (on the first call) and keeps renewing it until disposed.</summary>
    /// <remarks>
    /// A take that failed (Redis away when the replica's first generation came) or got no answer within the owner
    /// timeout is tried again by the next call: kept, it would fail or hold every later generation of this replica.
    /// </remarks>
    public Task EnsureStartedAsync()
    {
        lock (_gate)
        {
            if (_started is null || _started.IsFaulted || _started.IsCanceled)
            {
                _started = StartAsync();
            }

            return _started;
        }
    }

    /// <summary>Stops renewing; the lease then lapses after the owner timeout, as if the process had died.</summary>
    public void Dispose() => _stopping.Set();

    private async Task StartAsync()
    {
        // A take that gets no answer within the owner timeout fails, so the next generation takes again: one that
        // never answered (a Cluster node restarting as the replica came up) would otherwise hold every later start.
        await _connection.GetDatabase().StringSetAsync(_key, 1, _options.OwnerTimeout).WaitAsync(_options.OwnerTimeout).ConfigureAwait(false);
        new Thread(Renew) { IsBackground = true, Name = "Canvas replica lease" }.Start();
    }

    private void Renew()
    {
        while (!_stopping.Wait(_options.HeartbeatInterval))
        {
            try
            {
                _connection.GetDatabase().StringSet(_key, 1, _options.OwnerTimeout);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // A missed renewal is survivable; the lease outlasts several intervals.
                LogRenewalFailed(exception);
            }
            catch (ObjectDisposedException)
            {
                // The multiplexer was disposed under a renewal still in flight: the process is stopping.
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the replica lease failed")]
    private partial void LogRenewalFailed(Exception exception);
}
