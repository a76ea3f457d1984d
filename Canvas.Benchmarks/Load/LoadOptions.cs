namespace Canvas.Benchmarks.Load;

/// <summary>What the load generator does; parsed from <c>--name value</c> pairs.</summary>
internal sealed record LoadOptions(
    string Tier,
    string Upstream,
    int Concurrency,
    int Requests,
    int Tokens,
    TimeSpan TokenInterval,
    string? Redis,
    Uri? Url,
    string? Token,
    string Agent,
    string? Out,
    bool IdempotencyKeys = false)
{
    public const string Usage = """
        load [--tier sse|websocket|rest|follow|webfrontend|hop-floor] [--upstream openai|ollama] [--concurrency 20] [--requests 200]
             [--tokens 200] [--token-interval-ms 5] [--redis localhost:6379] [--out result.json]
             [--url http://localhost:5180 --token <jwt> --agent <id>] [--idempotency-keys true]

        Without --url it hosts a ChatApi in process against a synthetic OpenAI upstream that streams --tokens tokens
        --token-interval-ms apart, each stamped when emitted, so the numbers are Canvas's own overhead and every
        token's latency is measured. With --url it loads a running ChatApi (no per-token latency: its model's tokens
        carry no stamp). --upstream ollama streams Ollama's NDJSON instead, to the ChatApi's Ollama agent (default
        agent "local"), so the tokens go through OllamaSharp as the side-by-side harness's do.
        In process it also reports the bytes the process allocated and the CPU it used per token while the answers
        ran (ChatApi, upstream and client together: compare runs, not peers).
          follow       start each answer on one ChatApi and follow it on a second over Redis (needs --redis)
          webfrontend  SSE through the WebFrontend's YARP proxy, signed in with its cookie, as a browser's requests go
          hop-floor    the same client against a minimal relay of the upstream with no broker: the floor Canvas adds to
        --out writes the result as JSON; progress goes to stderr once a second. --idempotency-keys sends each SSE
        start with its own Idempotency-Key, so every start also claims its key, as a retrying client's do.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        var upstream = Get("upstream", "openai");
        var options = new LoadOptions(
            Get("tier", "sse"),
            upstream,
            int.Parse(Get("concurrency", "20")),
            int.Parse(Get("requests", "200")),
            int.Parse(Get("tokens", "200")),
            TimeSpan.FromMilliseconds(double.Parse(Get("token-interval-ms", "5"))),
            values.GetValueOrDefault("redis"),
            values.TryGetValue("url", out var url) ? new Uri(url) : null,
            values.GetValueOrDefault("token"),
            Get("agent", upstream == "ollama" ? "local" : "gpt"),
            values.GetValueOrDefault("out"),
            bool.Parse(Get("idempotency-keys", "false")));
        if (upstream is not ("openai" or "ollama"))
        {
            throw new ArgumentException("--upstream is openai or ollama.");
        }

        if (upstream == "ollama" && options.Tier == "hop-floor")
        {
            throw new ArgumentException("The hop floor relays the OpenAI stream only: use --upstream openai with --tier hop-floor.");
        }

        if (options.Tier == "webfrontend" && options.Url is not null)
        {
            throw new ArgumentException("--tier webfrontend hosts a WebFrontend in front of its own ChatApi: it takes no --url.");
        }

        if (options.Tier == "follow" && (options.Redis is null || options.Url is not null))
        {
            throw new ArgumentException("--tier follow hosts two ChatApis on one Redis: it needs --redis and no --url.");
        }

        return options;
    }
}
