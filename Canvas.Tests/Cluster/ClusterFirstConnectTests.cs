using System.Diagnostics;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Canvas.Tests.Cluster;

/// <summary>
/// An instance that starts while a Cluster node restarts. The worst moment, found in a chaos run's log, is the node
/// going away right after it answered the handshake, before the multiplexer asks it for the slot map: the request
/// waits for a connection that nothing reopens, because StackExchange.Redis starts its heartbeat (what reconnects and
/// times out) only once that first configuration is over. Proxies in front of the nodes play that moment exactly: the
/// first node drops after its handshake and turns its reconnect away, while the others' answers are held until then.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterFirstConnectTests(RedisClusterFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StartWhileANodeDropsRightAfterItsHandshake_TheInstanceReconnectsItAndServesEverySlot()
    {
        // Arrange
        var nodes = cluster.Cluster.Nodes;
        await using var dropping = RedisNodeProxy.Start(nodes[0].Port);
        await using var second = RedisNodeProxy.Start(nodes[1].Port);
        await using var third = RedisNodeProxy.Start(nodes[2].Port);
        dropping.DropAfterHandshake();
        second.HoldReplies();
        third.HoldReplies();
        using var host = CanvasStorageHost.Build(new() { ["ConnectionStrings:redis"] = $"{dropping.Endpoint},{second.Endpoint},{third.Endpoint}" });
        var keys = await OneKeyPerNodeAsync();
        await host.StartAsync().WaitAsync(Bound);

        // Act: the multiplexer connects when first asked for; the other nodes answer once the first one is down and
        // has turned its reconnect away, so the slot map is asked of a node whose connection is gone.
        var connecting = Task.Run(() => host.Services.GetRequiredService<IConnectionMultiplexer>());
        await dropping.ReconnectTurnedAway.WaitAsync(Bound);
        second.ReleaseReplies();
        third.ReleaseReplies();
        var connection = await connecting.WaitAsync(Bound);
        dropping.ServeAgain();

        // Assert
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var served = await ServesEveryNodeAsync(connection, health, keys);
        Assert.True(served.Ok, $"The instance did not recover within {Bound.TotalSeconds} s: {served.Why}{Environment.NewLine}{connection.GetStatus()}");
        await host.StopAsync().WaitAsync(Bound);
    }

    // The writes and the health check are asked again until both answer: what the test waits for is an event (the
    // node reconnected, the slot map known), and on the failure it guards against neither ever happens.
    private static async Task<(bool Ok, string Why)> ServesEveryNodeAsync(IConnectionMultiplexer connection, HealthCheckService health, IReadOnlyList<RedisKey> keys)
    {
        var database = connection.GetDatabase();
        var why = "not asked";
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Bound)
        {
            try
            {
                foreach (var key in keys)
                {
                    await database.StringSetAsync(key, "served", TimeSpan.FromMinutes(1));
                }

                var report = await health.CheckHealthAsync();
                if (report.Status == HealthStatus.Healthy)
                {
                    return (true, "");
                }

                why = $"health {report.Status}: {string.Join("; ", report.Entries.Select(entry => $"{entry.Key} {entry.Value.Description} {entry.Value.Exception?.Message}"))}";
            }
            catch (RedisException exception)
            {
                why = exception.Message;
            }

            await Task.Delay(200);
        }

        return (false, why);
    }

    private async Task<IReadOnlyList<RedisKey>> OneKeyPerNodeAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{cluster.ConnectionString},allowAdmin=true").WaitAsync(Bound);
        var topology = (await admin.GetServer(admin.GetEndPoints()[0]).ClusterNodesAsync())!;
        return Enumerable.Range(0, 1_000)
            .Select(i => (RedisKey)$"first-connect-{Guid.NewGuid():N}-{i}")
            .GroupBy(key => topology.GetBySlot(admin.HashSlot(key))!.NodeId)
            .Select(owned => owned.First())
            .ToList();
    }
}
