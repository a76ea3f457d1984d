using Canvas.ChatApi.Backplane;
using Canvas.Tests.Backplane;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Cluster;

/// <summary>
/// The backplane contract on a 3-master Redis Cluster, every peer with its own multiplexer: each generation's keys
/// share one hash tag and each script touches one slot, or the cluster answers <c>CROSSSLOT</c> and these fail.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterGenerationBackplaneTests(RedisClusterFixture cluster) : GenerationBackplaneContractTests
{
    private readonly List<ConnectionMultiplexer> _connections = [];

    /// <inheritdoc/>
    protected override Task<IGenerationBackplane> CreateBackplaneAsync(BackplaneOptions options) => CreatePeerAsync(options);

    /// <inheritdoc/>
    protected override async Task<IGenerationBackplane> CreatePeerAsync(BackplaneOptions options)
    {
        var connection = await cluster.ConnectAsync();
        _connections.Add(connection);
        return new RedisGenerationBackplane(connection, Microsoft.Extensions.Options.Options.Create(options), NullLogger<RedisGenerationBackplane>.Instance);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
