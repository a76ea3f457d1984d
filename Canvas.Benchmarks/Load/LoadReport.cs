using System.Text;
using System.Text.Json;

namespace Canvas.Benchmarks.Load;

/// <summary>The load generator's result: what ran, what arrived, and how fast; written as text and as JSON.</summary>
internal sealed record LoadReport(
    string Tier,
    string Upstream,
    int Concurrency,
    int Answers,
    int Tokens,
    double TokenIntervalMs,
    string Backplane,
    int Complete,
    IReadOnlyDictionary<string, int> Failures,
    double WallSeconds,
    double AnswersPerSecond,
    double EventsPerSecond,
    long TokensMeasured,
    Percentiles? TokenLatencyMs,
    Percentiles? TimeToFirstTokenMs,
    Percentiles? TotalMs,
    double ClientCpuSeconds,
    double? CpuSecondsPer1kTokens,
    double? AllocatedBytesPerToken,
    ProcessCost Process)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static LoadReport From(LoadOptions options, List<AnswerResult> results, TimeSpan wall, ProcessCost cost)
    {
        var complete = results.Where(r => r.Complete).ToList();
        var latencies = complete.SelectMany(r => r.TokenLatenciesMs).ToArray();
        // Per token of the answers that arrived: the cost of one that failed still counts, its tokens do not.
        double? perToken = latencies.Length == 0 ? null : 1.0 / latencies.Length;
        return new LoadReport(
            options.Tier,
            options.Upstream,
            options.Concurrency,
            results.Count,
            options.Tokens,
            options.TokenInterval.TotalMilliseconds,
            options.Tier == "hop-floor" ? "none" : options.Redis is null ? "in-process" : "redis",
            complete.Count,
            results.Where(r => !r.Complete).GroupBy(r => r.Failure ?? "?").ToDictionary(g => g.Key, g => g.Count()),
            wall.TotalSeconds,
            complete.Count / wall.TotalSeconds,
            complete.Sum(r => r.Events) / wall.TotalSeconds,
            latencies.LongLength,
            Percentiles.Of(latencies),
            Percentiles.Of(complete.Where(r => r.TimeToFirstToken is not null).Select(r => r.TimeToFirstToken!.Value.TotalMilliseconds)),
            Percentiles.Of(complete.Select(r => r.Total.TotalMilliseconds)),
            cost.CpuSeconds,
            cost.CpuSeconds * 1000 * perToken,
            cost.AllocatedBytes * perToken,
            cost);
    }

    public string ToText() => new StringBuilder()
        .AppendLine($"tier {Tier}, upstream {Upstream}, concurrency {Concurrency}, {Answers} answers of {Tokens} tokens, {TokenIntervalMs} ms apart, backplane {Backplane}")
        .AppendLine($"complete and in order: {Complete}/{Answers}; failures: {string.Join(", ", Failures.Select(f => $"{f.Key} ×{f.Value}"))}")
        .AppendLine($"wall {WallSeconds:0.00} s; {AnswersPerSecond:0.0} answers/s; {EventsPerSecond:0} events/s delivered")
        .AppendLine($"per-token latency ms:   {TokenLatencyMs?.ToString() ?? "n/a (tokens carry no emit stamp)"} ({TokensMeasured} tokens)")
        .AppendLine($"time to first token ms: {TimeToFirstTokenMs}")
        .AppendLine($"total ms:               {TotalMs}")
        .AppendLine($"process (ChatApi, upstream and client): {CpuSecondsPer1kTokens:0.0000} CPU-s per 1k tokens, {AllocatedBytesPerToken:0} B allocated per token; "
            + $"{(Process.ServerGc ? "server" : "workstation")} GC: gen0/1/2 {Process.Gen0}/{Process.Gen1}/{Process.Gen2}, paused {Process.GcPauseMs:0} ms")
        .ToString();
}

/// <summary>p50, p95, p99 and max of a sample.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static Percentiles? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : new(At(sorted, 0.5), At(sorted, 0.95), At(sorted, 0.99), sorted[^1]);
    }

    public override string ToString() => $"p50 {P50:0.0}  p95 {P95:0.0}  p99 {P99:0.0}  max {Max:0.0}";

    private static double At(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
