namespace Canvas.Benchmarks.Report;

/// <summary><c>chart --results DIR --out FILE.svg [--title T]</c>: draws a side-by-side harness run.</summary>
internal static class ChartCommand
{
    public const string Usage = "chart --results <harness results dir> --out <file.svg> [--title <title>]";

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        if (!values.TryGetValue("results", out var results) || !values.TryGetValue("out", out var output))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var cells = HarnessCell.ReadAll(results);
        if (cells.Count == 0)
        {
            Console.Error.WriteLine($"No harness results in {results}.");
            return 1;
        }

        await File.WriteAllTextAsync(output, LatencyChart.Render(cells, values.GetValueOrDefault("title", "Canvas beside its peers")));
        Console.WriteLine($"{cells.Count} cells -> {output}");
        return 0;
    }
}
