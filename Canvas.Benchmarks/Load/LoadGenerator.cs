using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Canvas.ChatApi.Generations;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// Starts many answers at once over one tier (or follows them on a second instance, or reads the hop-floor relay)
/// and reports time to first token, each token's latency from the upstream's emit stamp, throughput, and whether
/// every answer arrived whole and in order (gap-free <c>seq</c>, ending in <c>done</c>).
/// </summary>
internal static class LoadGenerator
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine(LoadOptions.Usage);
            return 0;
        }

        var options = LoadOptions.Parse(args);
        await using var upstream = options.Url is null ? await StartUpstreamAsync(options) : null;
        await using var floor = options.Tier == "hop-floor" ? await HopFloorRelay.StartAsync(upstream!.BaseAddress) : null;
        await using var host = upstream is null || floor is not null ? null : new SelfHostedChatApi(upstream.BaseAddress, options.Redis, provider: options.Upstream);
        // The follower accepts the same tokens, as every replica behind one frontend does.
        await using var follower = options.Tier == "follow" ? new SelfHostedChatApi(upstream!.BaseAddress, options.Redis, host!.SigningKey, options.Upstream) : null;
        await using var frontend = options.Tier == "webfrontend" ? await SelfHostedWebFrontend.StartAsync(host!.BaseAddress, host.SigningKey) : null;
        var baseAddress = options.Url ?? floor?.BaseAddress ?? frontend?.BaseAddress ?? host!.BaseAddress;
        var token = options.Token ?? host?.TokenFor("load") ?? "floor";
        using var http = frontend is null ? NewClient(baseAddress, token) : NewCookieClient(baseAddress, await frontend.SignInAsync());
        using var followHttp = follower is null ? null : NewClient(follower.BaseAddress, token);
        var target = new Target(http, followHttp, baseAddress, token, options);

        // Warm up first (JIT, connection pools, Redis scripts), so percentiles describe the steady state.
        await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Concurrency, 20)).Select(_ => AskAsync(target)));

        var results = new ConcurrentBag<AnswerResult>();
        var remaining = options.Requests;
        var cost = ProcessCost.Now();
        var wall = Stopwatch.StartNew();
        await using (var progress = new LoadProgress(options.Requests))
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    var result = await AskAsync(target);
                    results.Add(result);
                    progress.Record(result);
                }
            }));
        }

        wall.Stop();
        var report = LoadReport.From(options, [.. results], wall.Elapsed, ProcessCost.Now().Since(cost));
        Console.Write(report.ToText());
        if (options.Out is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, LoadReport.JsonOptions));
            Console.WriteLine($"-> {path}");
        }

        return results.All(r => r.Complete) ? 0 : 1;
    }

    private static async Task<ISyntheticUpstream> StartUpstreamAsync(LoadOptions options) => options.Upstream == "ollama"
        ? await SyntheticOllamaUpstream.StartAsync(options.Tokens, options.TokenInterval)
        : await SyntheticOpenAIUpstream.StartAsync(options.Tokens, options.TokenInterval);

    private static HttpClient NewClient(Uri baseAddress, string token)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    // Through the WebFrontend a browser carries its identity cookie, never a bearer token: the proxy mints that.
    private static HttpClient NewCookieClient(Uri baseAddress, string cookie)
    {
        var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    private static async Task<AnswerResult> AskAsync(Target target)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var events = target.Options.Tier switch
            {
                "websocket" => await ReadWebSocketAsync(target),
                "rest" => await ReadRestAsync(target),
                "follow" => await ReadFollowedAsync(target),
                _ => await ReadSseAsync(target.Http, StartRequest(target.Options)),
            };
            return AnswerResult.From(events, started);
        }
        catch (Exception exception) when (exception is HttpRequestException or WebSocketException or TaskCanceledException or JsonException)
        {
            return AnswerResult.Failed(started, exception.GetType().Name);
        }
    }

    private static HttpRequestMessage StartRequest(LoadOptions options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = options.Agent, message = "load" }) };
        if (options.IdempotencyKeys)
        {
            request.Headers.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, Guid.NewGuid().ToString("N"));
        }

        return request;
    }

    private static async Task<List<ReceivedEvent>> ReadSseAsync(HttpClient http, HttpRequestMessage request, bool untilMeta = false)
    {
        using var _ = request;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<ReceivedEvent>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var at = TokenStamp.UnixMicros();
                events.Add(new(JsonSerializer.Deserialize(line.AsSpan(6), CanvasJsonContext.Default.GenerationEvent)!, at));
                if (untilMeta)
                {
                    break;
                }
            }
        }

        return events;
    }

    // Starts on the first instance, leaves once meta names the generation, and follows it on the second.
    private static async Task<List<ReceivedEvent>> ReadFollowedAsync(Target target)
    {
        var meta = await ReadSseAsync(target.Http, StartRequest(target.Options), untilMeta: true);
        var generationId = meta[0].Event.GenerationId;
        var followed = await ReadSseAsync(target.FollowHttp!, new HttpRequestMessage(HttpMethod.Get, $"/api/generations/{generationId}/events?after=0"));
        return [.. meta, .. followed];
    }

    private static async Task<List<ReceivedEvent>> ReadRestAsync(Target target)
    {
        using var response = await target.Http.PostAsJsonAsync("/api/chat", new { agentId = target.Options.Agent, message = "load" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var generationId = body.GetProperty("generationId").GetString()!;
        // REST returns the whole answer at once: its "first token" is the response.
        var at = TokenStamp.UnixMicros();
        return
        [
            new(new DeltaEvent { GenerationId = generationId, Seq = 1, Text = body.GetProperty("text").GetString()! }, at),
            new(new DoneEvent { GenerationId = generationId, Seq = 2, FinishReason = body.GetProperty("finishReason").GetString()!, Timings = new(null, 0) }, at),
        ];
    }

    private static async Task<List<ReceivedEvent>> ReadWebSocketAsync(Target target)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {target.Token}");
        await socket.ConnectAsync(new UriBuilder(target.BaseAddress) { Scheme = "ws", Path = "/api/chat/ws" }.Uri, CancellationToken.None);
        var start = JsonSerializer.SerializeToUtf8Bytes(new { type = "start", requestId = Guid.NewGuid().ToString("N"), agentId = target.Options.Agent, message = "load" });
        await socket.SendAsync(start, WebSocketMessageType.Text, true, CancellationToken.None);
        var events = new List<ReceivedEvent>();
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var at = TokenStamp.UnixMicros();
            var generationEvent = JsonSerializer.Deserialize(message.ToArray(), CanvasJsonContext.Default.GenerationEvent)!;
            message.SetLength(0);
            events.Add(new(generationEvent, at));
            if (generationEvent.IsTerminal)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                return events;
            }
        }
    }

    /// <summary>Where the answers go: the start instance, the follow instance (follow tier), and the settings.</summary>
    private sealed record Target(HttpClient Http, HttpClient? FollowHttp, Uri BaseAddress, string Token, LoadOptions Options);
}
