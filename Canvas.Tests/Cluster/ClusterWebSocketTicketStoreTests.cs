using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Backplane;
using Canvas.Tests.Auth;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Cluster;

/// <summary>The ticket store contract on a 3-master Redis Cluster, whose own key expiry decides the lifetime.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterWebSocketTicketStoreTests(RedisClusterFixture cluster) : WebSocketTicketStoreContractTests
{
    private readonly BackplaneOptions _options = new() { KeyPrefix = $"test-{Guid.NewGuid():N}" };
    private readonly List<ConnectionMultiplexer> _connections = [];

    /// <inheritdoc/>
    protected override async Task<IWebSocketTicketStore> CreateStoreAsync()
    {
        var connection = await cluster.ConnectAsync();
        _connections.Add(connection);
        return new RedisWebSocketTicketStore(connection, Options.Create(_options));
    }

    /// <inheritdoc/>
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration);

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
