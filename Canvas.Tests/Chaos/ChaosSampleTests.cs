using Xunit.Abstractions;

namespace Canvas.Tests.Chaos;

/// <summary>
/// A seeded sample of the chaos run (the full run is <c>Canvas.Chaos</c>): three ChatApi processes on one
/// real Redis, a hundred disruptions of every kind, each answer compared byte for byte with its recording. It asserts
/// counts only, never times: no answer lost or duplicated, none hung, and a typed error only where the run killed the
/// answer's runner or restarted or paused Redis.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HundredDisruptions_OnOneRedis_EveryAnswerExactlyOnceOrLostWhereItsRunnerDied()
    {
        // Arrange
        var settings = new ChaosSettings(Seed: 20261201, Count: 100, Concurrency: 10) { HangBound = ChaosCollection.HangBound };

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
