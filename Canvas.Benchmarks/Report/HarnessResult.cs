using System.Text.Json;

namespace Canvas.Benchmarks.Report;

/// <summary>One (peer, C) cell of a harness run as the targets are judged on it; null fields had no value.</summary>
internal sealed record HarnessResult(
    string Peer,
    int C,
    double? LatencyP99Ms,
    double? SchedP99Ms,
    double? TtftP95Ms,
    double DeliveredTps,
    double OfferedTps,
    double? CpuPer1k,
    double? ServerCpuSeconds,
    double? PeakRssMb,
    int Errors,
    IReadOnlyList<string> ErrorSamples)
{
    /// <summary>Reads every <c>{peer}-C{c}.json</c> in <paramref name="directory"/>; an absent directory has none.</summary>
    public static List<HarnessResult> ReadAll(string? directory) =>
        directory is null || !Directory.Exists(directory)
            ? []
            : [.. Directory.EnumerateFiles(directory, "*-C*.json").Select(Read).OfType<HarnessResult>()];

    private static HarnessResult? Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("peer", out var peer) || !root.TryGetProperty("c", out var c))
        {
            return null;
        }

        double? Number(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
                ? value.GetDouble()
                : null;
        JsonElement Field(string name) => root.TryGetProperty(name, out var value) ? value : default;
        var cpu = Number(root, "server_cpu_s_per_1k_tokens") is { } server ? server + (Number(root, "redis_cpu_s_per_1k_tokens") ?? 0) : (double?)null;
        return new HarnessResult(
            peer.GetString()!,
            c.GetInt32(),
            Number(Field("latency_ms"), "p99"),
            Number(Field("sched_lateness_ms"), "p99"),
            Number(Field("ttft_ms"), "p95"),
            Number(root, "delivered_tps") ?? 0,
            Number(root, "offered_tps") ?? 0,
            cpu,
            Number(root, "server_cpu_s"),
            Number(root, "server_peak_rss_mb"),
            (int)(Number(root, "errors") ?? 0),
            Field("error_samples") is { ValueKind: JsonValueKind.Array } samples ? [.. samples.EnumerateArray().Select(s => s.ToString())] : []);
    }
}
