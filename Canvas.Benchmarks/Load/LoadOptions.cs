namespace Canvas.Benchmarks.Load;

/// <summary>What the load generator does; parsed from <c>--name value</c> pairs.</summary>
internal sealed record LoadOptions(
    string Tier,
    int Concurrency,
    int Requests,
    int Tokens,
    TimeSpan TokenInterval,
    string? Redis,
    Uri? Url,
    string? Token,
    string Agent)
{
    public const string Usage = """
        load [--tier sse|websocket|rest] [--concurrency 20] [--requests 200]
             [--tokens 200] [--token-interval-ms 5] [--redis localhost:6379]
             [--url http://localhost:5180 --token <jwt> --agent <id>]

        Without --url it hosts a ChatApi in process against a synthetic OpenAI upstream that streams --tokens tokens
        --token-interval-ms apart, so the numbers are Canvas's own overhead. With --url it loads a running ChatApi.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        return new LoadOptions(
            Get("tier", "sse"),
            int.Parse(Get("concurrency", "20")),
            int.Parse(Get("requests", "200")),
            int.Parse(Get("tokens", "200")),
            TimeSpan.FromMilliseconds(double.Parse(Get("token-interval-ms", "5"))),
            values.GetValueOrDefault("redis"),
            values.TryGetValue("url", out var url) ? new Uri(url) : null,
            values.GetValueOrDefault("token"),
            Get("agent", "gpt"));
    }
}
