using Canvas.Benchmarks.Report;

namespace Canvas.Tests.Benchmarks;

/// <summary>The targets table judges each Canvas peer against the hop floor and its rivals of the same run.</summary>
public sealed class TargetsCommandTests
{
    [Fact]
    public void Render_CanvasWithinTwiceTheHopFloor_IsMet_AndBeyondItIsNot()
    {
        // Arrange: at C = 500, canvas-sse's p99 is 1.5× the hop floor's, canvas-ws's 3×.
        List<HarnessResult> cells =
        [
            Cell("canvas-mock-sse", p99: 100, ttft: 50, cpu: 0.02),
            Cell("canvas-sse", p99: 150, ttft: 60, cpu: 0.025),
            Cell("canvas-ws", p99: 300, ttft: 60, cpu: 0.05),
            Cell("signalr-redis-2", p99: 200, ttft: 400, cpu: 0.08),
        ];

        // Act
        var table = TargetsCommand.Render(cells, quiet: [], load: []);

        // Assert
        Assert.Contains("| p99 ≤ 2× hop floor | canvas-sse | 500 | 150 | 100 | 1.50× | yes |", table);
        Assert.Contains("| p99 ≤ 2× hop floor | canvas-ws | 500 | 300 | 100 | 3.00× | **no** |", table);
        Assert.Contains("| CPU/1k tokens ≤ 1.5× hop floor (C ≥ 500) | canvas-ws | 500 | 0.05 | 0.02 | 2.50× | **no** |", table);
        Assert.Contains("| ahead of signalr-redis-2 | canvas-sse | 500 | 150 / 60.0 / 10000 | 200 / 400 / 10000 | p99 / TTFT p95 / tok/s | yes |", table);
        Assert.Contains("| ahead of signalr-redis-2 | canvas-ws | 500 | 300 / 60.0 / 10000 | 200 / 400 / 10000 | p99 / TTFT p95 / tok/s | **no** |", table);
    }

    [Fact]
    public void Render_ACanvasPeerWithoutAResult_IsNotMet()
    {
        // Arrange
        List<HarnessResult> cells = [Cell("canvas-mock-sse", p99: 100, ttft: 50, cpu: 0.02)];

        // Act
        var table = TargetsCommand.Render(cells, quiet: [], load: []);

        // Assert
        Assert.Contains("| p99 ≤ 2× hop floor | canvas-follow-2 | 500 | – | 100 | – | **no** |", table);
    }

    private static HarnessResult Cell(string peer, double p99, double ttft, double cpu) =>
        new(peer, 500, p99, p99, ttft, DeliveredTps: 10_000, OfferedTps: 10_000, CpuPer1k: cpu, ServerCpuSeconds: 10, PeakRssMb: 300, Errors: 0, ErrorSamples: []);
}
