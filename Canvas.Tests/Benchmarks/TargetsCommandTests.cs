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

    [Fact]
    public void Render_TheHopFloorAtTheQuietLevel_IsShownBesideTheTargets_ButNotCountedAsACanvasPeer()
    {
        // Arrange: the quiet level's direct stream, hop floor and canvas-sse.
        List<HarnessResult> quiet =
        [
            Cell("direct", p99: 3, ttft: 4, cpu: 0.3) with { C = 10_000 },
            Cell("canvas-mock-sse", p99: 4_000, ttft: 8_000, cpu: 0.7) with { C = 10_000, Errors = 6_000 },
            Cell("canvas-sse", p99: 900, ttft: 11_000, cpu: 2.6) with { C = 10_000, Errors = 8_000 },
        ];

        // Act
        var table = TargetsCommand.Render(cells: [], quiet, load: []);

        // Assert: five checks, all canvas-sse's; the floor's verdicts are in their own table.
        Assert.Contains("3 of 5 checks met.", table);
        Assert.Contains("| quiet streams: every one completes | canvas-sse | 10000 | 8000 failed | 0 | – | **no** |", table);
        Assert.Contains("### The quiet targets for the hop floor", table);
        Assert.Contains("| quiet streams: TTFT p95 ≤ 2× direct | canvas-mock-sse | 10000 | 8000 | 4.0 | 2000.00× | **no** |", table);
    }

    private static HarnessResult Cell(string peer, double p99, double ttft, double cpu) =>
        new(peer, 500, p99, p99, ttft, DeliveredTps: 10_000, OfferedTps: 10_000, CpuPer1k: cpu, ServerCpuSeconds: 10, PeakRssMb: 300, Errors: 0, ErrorSamples: []);
}
