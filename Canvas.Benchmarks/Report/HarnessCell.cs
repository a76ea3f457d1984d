using System.Text.Json;

namespace Canvas.Benchmarks.Report;

/// <summary>One (peer, C) result the side-by-side harness wrote (<c>results/{peer}-C{c}.json</c>): the fields charted.</summary>
internal sealed record HarnessCell(string Peer, int C, double LatencyP99Ms, double TtftP95Ms, double DeliveredTps, double OfferedTps, double BusyCores)
{
    /// <summary>Reads every cell in <paramref name="directory"/>.</summary>
    public static List<HarnessCell> ReadAll(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*-C*.json").Select(Read).OfType<HarnessCell>().OrderBy(cell => cell.C)];

    private static HarnessCell? Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("peer", out var peer) || !root.TryGetProperty("latency_ms", out var latency) || latency.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new HarnessCell(
            peer.GetString()!,
            root.GetProperty("c").GetInt32(),
            latency.GetProperty("p99").GetDouble(),
            root.GetProperty("ttft_ms").GetProperty("p95").GetDouble(),
            root.GetProperty("delivered_tps").GetDouble(),
            root.GetProperty("offered_tps").GetDouble(),
            root.GetProperty("machine_busy_cores").GetDouble());
    }
}
