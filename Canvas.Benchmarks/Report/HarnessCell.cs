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

        // A cell whose streams all failed has no latency to draw ("NaN"); it is left out of the chart.
        double? Number(JsonElement element) => element.ValueKind == JsonValueKind.Number ? element.GetDouble() : null;
        return Number(latency.GetProperty("p99")) is { } p99 && Number(root.GetProperty("ttft_ms").GetProperty("p95")) is { } ttft
            ? new HarnessCell(
                peer.GetString()!,
                root.GetProperty("c").GetInt32(),
                p99,
                ttft,
                Number(root.GetProperty("delivered_tps")) ?? 0,
                Number(root.GetProperty("offered_tps")) ?? 0,
                Number(root.GetProperty("machine_busy_cores")) ?? 0)
            : null;
    }
}
