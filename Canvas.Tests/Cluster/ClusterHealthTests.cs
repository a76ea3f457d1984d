using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Canvas.Tests.Cluster;

/// <summary>What <c>/health</c> reports for an instance on a Redis Cluster, through Aspire's Redis health check.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterHealthTests(RedisClusterFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddCanvasStorage_OnAHealthyRedisCluster_ReportsHealthy()
    {
        // Arrange
        using var host = CanvasStorageHost.Build(new() { ["ConnectionStrings:redis"] = cluster.ConnectionString });
        await host.StartAsync().WaitAsync(Bound);

        // Act
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Bound);

        // Assert
        Assert.True(report.Status == HealthStatus.Healthy,
            string.Join("; ", report.Entries.Select(entry => $"{entry.Key}: {entry.Value.Status} {entry.Value.Description} {entry.Value.Exception?.Message}")));
        await host.StopAsync().WaitAsync(Bound);
    }
}
