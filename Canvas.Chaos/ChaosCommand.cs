using Canvas.Tests.Chaos;

namespace Canvas.Chaos;

/// <summary>The <c>chaos</c> verb: a full seeded chaos run with a progress line, a summary and a JSON result.</summary>
internal static class ChaosCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine(ChaosOptions.Usage);
            return 0;
        }

        var options = ChaosOptions.Parse(args);
        var settings = options.Settings;
        var tally = new Dictionary<ChaosOutcome, int>();
        var started = DateTime.UtcNow;
        Console.WriteLine($"chaos: seed {settings.Seed}, {settings.Count} disruptions, {settings.Concurrency} at a time, " +
            $"{settings.Instances} instances, {(settings.Cluster ? "Redis Cluster" : "single Redis")}");

        var report = await ChaosRun.RunAsync(settings, (done, result) =>
        {
            lock (tally)
            {
                tally[result.Outcome] = tally.GetValueOrDefault(result.Outcome) + 1;
                var line = $"[{done,5}/{settings.Count}] {(DateTime.UtcNow - started).TotalSeconds,5:0} s  " +
                    $"exactly once {tally.GetValueOrDefault(ChaosOutcome.ExactlyOnce)} · loss {tally.GetValueOrDefault(ChaosOutcome.Loss)} · " +
                    $"duplicates {tally.GetValueOrDefault(ChaosOutcome.Duplicate)} · typed error {tally.GetValueOrDefault(ChaosOutcome.TypedError)} · " +
                    $"hung {tally.GetValueOrDefault(ChaosOutcome.Hung)}";
                if (Console.IsOutputRedirected)
                {
                    if (done % 50 == 0 || done == settings.Count)
                    {
                        Console.WriteLine(line);
                    }
                }
                else
                {
                    Console.Write($"\r{line}   ");
                }

                if (!result.Acceptable)
                {
                    Console.WriteLine($"{(Console.IsOutputRedirected ? "" : Environment.NewLine)}  ✗ #{result.Number} {result.Kind} {result.AgentId}: {result.Outcome} {result.ErrorCode} {result.Detail}");
                }
            }
        }, log: line => Console.Error.WriteLine($"  {line}"));

        Console.WriteLine();
        Console.Write(report.Summary());
        await File.WriteAllTextAsync(options.JsonPath, report.ToJson());
        Console.WriteLine($"JSON result: {Path.GetFullPath(options.JsonPath)}");
        return report.Passed ? 0 : 1;
    }
}
