using Canvas.ChatApi.Backplane;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Canvas.Tests.Backplane;

/// <summary>
/// A backplane test with a redis-server of its own, which its tests stop and start again, and backplanes for
/// replicas, each on its own connection to it. The waits only guard against a hang.
/// </summary>
public abstract class RestartableRedisBackplaneTest : IAsyncLifetime
{
    /// <summary>The bound of every wait.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly List<ConnectionMultiplexer> _connections = [];

    /// <summary>Gets the backplanes' options, for a test (or its class) to change before it creates them.</summary>
    protected BackplaneOptions Options { get; } = new()
    {
        OwnerTimeout = TimeSpan.FromSeconds(20),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        Retention = TimeSpan.FromMinutes(5),
        KeyPrefix = $"test-{Guid.NewGuid():N}",
    };

    /// <summary>Gets this test's redis-server.</summary>
    protected RedisServerProcess Redis { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Redis = await RedisServerProcess.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    /// <summary>Creates a replica's backplane on a connection of its own.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="settings">More StackExchange.Redis settings, comma-separated.</param>
    protected async Task<RedisGenerationBackplane> CreateBackplaneAsync(ReplicaIdentity replica, string settings = "")
    {
        var connection = await ConnectionMultiplexer.ConnectAsync($"{Redis.Endpoint},abortConnect=false,{settings}").WaitAsync(Bound);
        _connections.Add(connection);
        return new RedisGenerationBackplane(
            connection, Microsoft.Extensions.Options.Options.Create(Options), replica, NullLogger<RedisGenerationBackplane>.Instance);
    }
}
