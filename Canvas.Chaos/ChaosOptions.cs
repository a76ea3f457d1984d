using System.Globalization;
using Canvas.Tests.Chaos;

namespace Canvas.Chaos;

/// <summary>What the chaos verb does; parsed from <c>--name value</c> pairs and the <c>--quick</c> and <c>--cluster</c> switches.</summary>
internal sealed record ChaosOptions(ChaosSettings Settings, string JsonPath)
{
    public const string Usage = """
        chaos [--seed 1] [--count 1000] [--quick] [--concurrency 6] [--instances 3] [--cluster]
              [--pace-ms 50] [--json chaos-<seed>.json]

        Starts a real redis-server (--cluster: a 3-master Redis Cluster), --instances ChatApi processes sharing it and
        fake provider upstreams that stream their recordings --pace-ms apart per chunk, then plays --count seeded
        disruptions, --concurrency at a time: client connections cut and resumed on another tier and instance, tier
        changes mid-answer, the serving or the running instance killed with SIGKILL, Redis restarted or paused, slow
        consumers, stops from any instance. Every answer is compared byte for byte with its recording. --quick is
        --count 100. Prints progress and a summary, writes the JSON result, and exits 1 unless every outcome is one
        the guarantees allow (exactly once; generation_lost only where the runner died or Redis failed; nothing hung).
        Needs a build of Canvas.ChatApi next to this one (dotnet build builds it) and redis-server on PATH.
        """;

    public static ChaosOptions Parse(string[] args)
    {
        var switches = args.Where(arg => arg is "--quick" or "--cluster").ToHashSet();
        var pairs = args.Where(arg => !switches.Contains(arg)).ToArray();
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            values[pairs[i].TrimStart('-')] = pairs[i + 1];
        }

        int Get(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        var seed = Get("seed", 1);
        var settings = new ChaosSettings(
            seed,
            Get("count", switches.Contains("--quick") ? 100 : 1000),
            Get("concurrency", 6),
            Get("instances", 3),
            switches.Contains("--cluster"),
            TimeSpan.FromMilliseconds(Get("pace-ms", 50)));
        return new ChaosOptions(settings, values.GetValueOrDefault("json", $"chaos-{seed}.json"));
    }
}
