using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Canvas.Benchmarks.Report;

/// <summary>
/// <c>targets --results DIR [--quiet DIR] [--load DIR] [--out FILE.md]</c>: judges issue 7's targets on one measured
/// run (the side-by-side harness, its quiet-streams run, the load generator's JSON results) and writes the verdicts
/// as Markdown, each with the numbers it rests on. Ratios are within one run, as the targets are stated.
/// </summary>
internal static class TargetsCommand
{
    public const string Usage = "targets --results <harness results dir> [--quiet <quiet-streams results dir>] [--load <load JSON dir>] [--out <file.md>]";

    private const string HopFloor = "canvas-mock-sse";
    private static readonly string[] CanvasPeers = ["canvas-sse", "canvas-ws", "canvas-follow-2"];
    private static readonly string[] Rivals = ["signalr-redis-2", "resumable-stream-follow"];

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        if (!values.TryGetValue("results", out var results))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var markdown = Render(
            HarnessResult.ReadAll(results),
            HarnessResult.ReadAll(values.GetValueOrDefault("quiet")),
            ReadLoad(values.GetValueOrDefault("load")));
        if (values.TryGetValue("out", out var output))
        {
            await File.WriteAllTextAsync(output, markdown);
        }
        else
        {
            Console.Write(markdown);
        }

        return 0;
    }

    internal static string Render(List<HarnessResult> cells, List<HarnessResult> quiet, List<JsonElement> load)
    {
        var rows = new List<Verdict>();
        var levels = cells.Select(c => c.C).Distinct().Order().ToList();
        HarnessResult? Cell(string peer, int c) => cells.FirstOrDefault(x => x.Peer == peer && x.C == c);

        foreach (var c in levels)
        {
            var floor = Cell(HopFloor, c);
            foreach (var peer in CanvasPeers)
            {
                var canvas = Cell(peer, c);
                rows.Add(Ratio("p99 ≤ 2× hop floor", peer, c, canvas?.LatencyP99Ms, floor?.LatencyP99Ms, 2));
                rows.Add(Ratio("TTFT p95 ≤ 2× hop floor", peer, c, canvas?.TtftP95Ms, floor?.TtftP95Ms, 2));
                rows.Add(Ratio("sched p99 ≤ 2× hop floor", peer, c, canvas?.SchedP99Ms, floor?.SchedP99Ms, 2));
                rows.Add(canvas is null || canvas.OfferedTps == 0
                    ? new Verdict("delivered within 1 % of offered", peer, c, "–", "–", "–", false)
                    : new Verdict("delivered within 1 % of offered", peer, c, Format(canvas.DeliveredTps), Format(canvas.OfferedTps),
                        $"{canvas.DeliveredTps / canvas.OfferedTps:0.000}", Math.Abs(canvas.DeliveredTps / canvas.OfferedTps - 1) <= 0.01 && canvas.Errors == 0));
                if (c >= 500)
                {
                    rows.Add(Ratio("CPU/1k tokens ≤ 1.5× hop floor (C ≥ 500)", peer, c, canvas?.CpuPer1k, floor?.CpuPer1k, 1.5));
                }

                foreach (var rival in Rivals)
                {
                    var other = Cell(rival, c);
                    rows.Add(Ahead($"ahead of {rival}", peer, c, canvas, other));
                }
            }
        }

        foreach (var tier in new[] { "in-process", "redis" })
        {
            var floor = Load(load, "hop-floor", "none");
            var direct = Load(load, "sse", tier);
            var proxied = Load(load, "webfrontend", tier);
            if (floor is { } f && direct is { } d && proxied is { } p)
            {
                var bound = P99(d) + P99(f);
                rows.Add(new Verdict("through WebFrontend: p99 ≤ direct p99 + 1× hop floor p99", $"webfrontend ({tier})", Concurrency(p),
                    Format(P99(p)), $"{Format(P99(d))} + {Format(P99(f))}", $"{P99(p) - P99(d):0.0} ms over direct", P99(p) <= bound));
            }
        }

        var quietDirect = quiet.FirstOrDefault(q => q.Peer == "direct");
        foreach (var q in quiet.Where(q => CanvasPeers.Contains(q.Peer)))
        {
            rows.AddRange(QuietVerdicts(q, quietDirect));
        }

        var text = new StringBuilder();
        text.AppendLine($"{rows.Count(r => r.Met)} of {rows.Count} checks met.");
        text.AppendLine();
        text.AppendLine("| target | peer | C | Canvas | reference | ratio | met |");
        text.AppendLine("|---|---|---:|---:|---:|---:|:---:|");
        foreach (var row in rows)
        {
            text.AppendLine(TableRow(row));
        }

        // The hop floor is not judged: its row says which quiet targets a relay with no broker meets on this machine.
        if (quiet.FirstOrDefault(q => q.Peer == HopFloor) is { } quietFloor)
        {
            text.AppendLine();
            text.AppendLine("### The quiet targets for the hop floor (not a Canvas peer: what a relay with no broker meets on the same run)");
            text.AppendLine();
            text.AppendLine("| target | peer | C | hop floor | reference | ratio | met |");
            text.AppendLine("|---|---|---:|---:|---:|---:|:---:|");
            foreach (var row in QuietVerdicts(quietFloor, quietDirect))
            {
                text.AppendLine(TableRow(row));
            }
        }

        text.AppendLine();
        text.AppendLine("### Canvas's own load generator");
        text.AppendLine();
        text.AppendLine("| tier | backplane | C | answers complete | token p50 | p95 | p99 | max | TTFT p50 | TTFT p95 | events/s | failures |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var run in load)
        {
            var latency = run.GetProperty("tokenLatencyMs");
            var ttft = run.GetProperty("timeToFirstTokenMs");
            string Pick(JsonElement p, string name) => p.ValueKind == JsonValueKind.Object ? Format(p.GetProperty(name).GetDouble()) : "–";
            var failures = string.Join(", ", run.GetProperty("failures").EnumerateObject().Select(f => $"{f.Name} ×{f.Value}"));
            text.AppendLine($"| {run.GetProperty("tier").GetString()} | {run.GetProperty("backplane").GetString()} | {Concurrency(run)} | " +
                $"{run.GetProperty("complete").GetInt32()}/{run.GetProperty("answers").GetInt32()} | {Pick(latency, "p50")} | {Pick(latency, "p95")} | " +
                $"{Pick(latency, "p99")} | {Pick(latency, "max")} | {Pick(ttft, "p50")} | {Pick(ttft, "p95")} | " +
                $"{run.GetProperty("eventsPerSecond").GetDouble():0} | {(failures.Length == 0 ? "none" : failures)} |");
        }

        return text.ToString();
    }

    private static string TableRow(Verdict row) =>
        $"| {row.Target} | {row.Peer} | {row.C} | {row.Value} | {row.Reference} | {row.Ratio} | {(row.Met ? "yes" : "**no**")} |";

    private static IEnumerable<Verdict> QuietVerdicts(HarnessResult q, HarnessResult? direct)
    {
        yield return new Verdict("quiet streams: every one completes", q.Peer, q.C, $"{q.Errors} failed", "0", "–", q.Errors == 0);
        yield return Ratio("quiet streams: TTFT p95 ≤ 2× direct", q.Peer, q.C, q.TtftP95Ms, direct?.TtftP95Ms, 2);
        yield return new Verdict("quiet streams: peak RSS < 500 MB", q.Peer, q.C, Format(q.PeakRssMb), "500", "–", q.PeakRssMb < 500);
        yield return Ratio("quiet streams: CPU < 2× direct", q.Peer, q.C, q.ServerCpuSeconds, direct?.ServerCpuSeconds, 2);
        var lost = q.ErrorSamples.Where(s => s.Contains("generation_lost", StringComparison.Ordinal)).ToList();
        yield return new Verdict("quiet streams: no generation declared lost", q.Peer, q.C, lost.Count == 0 ? "none" : string.Join("; ", lost), "none", "–", lost.Count == 0);
    }

    private static List<JsonElement> ReadLoad(string? directory) =>
        directory is null || !Directory.Exists(directory)
            ? []
            : [.. Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal)
                .Select(path => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement)
                .Where(root => root.TryGetProperty("tier", out _))];

    private static JsonElement? Load(List<JsonElement> load, string tier, string backplane) =>
        load.Where(r => r.GetProperty("tier").GetString() == tier && r.GetProperty("backplane").GetString() == backplane)
            .Select(r => (JsonElement?)r)
            .FirstOrDefault(r => r!.Value.GetProperty("tokenLatencyMs").ValueKind == JsonValueKind.Object);

    private static double P99(JsonElement? run) => run!.Value.GetProperty("tokenLatencyMs").GetProperty("p99").GetDouble();

    private static int Concurrency(JsonElement? run) => run!.Value.GetProperty("concurrency").GetInt32();

    private static Verdict Ratio(string target, string peer, int c, double? value, double? reference, double bound) =>
        value is { } v && reference is { } r && r > 0
            ? new Verdict(target, peer, c, Format(v), Format(r), $"{v / r:0.00}×", v <= bound * r)
            : new Verdict(target, peer, c, Format(value), Format(reference), "–", false);

    // Ahead on all three: lower p99, lower TTFT p95, at least as much delivered (a rival without a result is behind).
    private static Verdict Ahead(string target, string peer, int c, HarnessResult? canvas, HarnessResult? rival)
    {
        if (canvas?.LatencyP99Ms is not { } p99 || canvas.TtftP95Ms is not { } ttft)
        {
            return new Verdict(target, peer, c, "–", "–", "–", false);
        }

        var value = $"{Format(p99)} / {Format(ttft)} / {Format(canvas.DeliveredTps)}";
        if (rival?.LatencyP99Ms is not { } rivalP99 || rival.TtftP95Ms is not { } rivalTtft)
        {
            return new Verdict(target, peer, c, value, "no result", "–", true);
        }

        var deliveredWell = Math.Min(canvas.DeliveredTps, canvas.OfferedTps) >= Math.Min(rival.DeliveredTps, rival.OfferedTps) * 0.999
            && canvas.Errors <= rival.Errors;
        return new Verdict(target, peer, c, value, $"{Format(rivalP99)} / {Format(rivalTtft)} / {Format(rival.DeliveredTps)}", "p99 / TTFT p95 / tok/s",
            p99 < rivalP99 && ttft < rivalTtft && deliveredWell);
    }

    private static string Format(double? value) => value is { } v ? v.ToString(v >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture) : "–";

    private sealed record Verdict(string Target, string Peer, int C, string Value, string Reference, string Ratio, bool Met);
}
