using Canvas.Tests.Chaos;
using Xunit.Abstractions;

namespace Canvas.Tests.Cluster;

/// <summary>
/// The chaos sample once on a 3-master Redis Cluster: the same disruptions as on one Redis (a Redis restart or pause
/// hits one node), the same counts asserted, never times.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ClusterChaosSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HundredDisruptions_OnARedisCluster_EveryAnswerExactlyOnceOrLostWhereItsRunnerDied()
    {
        // Arrange
        var settings = new ChaosSettings(Seed: 20261202, Count: 100, Concurrency: 10, Cluster: true) { HangBound = ChaosCollection.HangBound };

        // Act
        var report = await ChaosRun.RunAsync(settings, log: output.WriteLine);

        // Assert
        output.WriteLine(report.Summary());
        Assert.Equal(settings.Count, report.Results.Count);
        Assert.True(report.Passed, report.Summary());
        Assert.Equal(0, report.WithLoss);
        Assert.Equal(0, report.WithDuplicates);
        Assert.Equal(0, report.Hung);
        Assert.Equal(0, report.UnexpectedTypedErrors);
    }
}
