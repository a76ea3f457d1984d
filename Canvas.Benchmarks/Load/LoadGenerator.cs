using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Canvas.ChatApi.Generations;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// Starts many answers at once over one tier and reports time to first token, total time, throughput, and whether
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
        await using var upstream = options.Url is null ? await SyntheticOpenAIUpstream.StartAsync(options.Tokens, options.TokenInterval) : null;
        await using var host = upstream is null ? null : new SelfHostedChatApi(upstream.BaseAddress, options.Redis);
        var baseAddress = options.Url ?? host!.BaseAddress;
        var token = options.Token ?? host!.TokenFor("load");

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // Warm up first (JIT, connection pools, Redis scripts), so percentiles describe the steady state.
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => AskAsync(http, baseAddress, token, options)));

        var results = new ConcurrentBag<AnswerResult>();
        var remaining = options.Requests;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                results.Add(await AskAsync(http, baseAddress, token, options));
            }
        }));
        wall.Stop();
        Report(options, results.ToList(), wall.Elapsed);
        return results.All(r => r.Complete) ? 0 : 1;
    }

    private static async Task<AnswerResult> AskAsync(HttpClient http, Uri baseAddress, string token, LoadOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var events = options.Tier switch
            {
                "websocket" => await ReadWebSocketAsync(baseAddress, token, options.Agent),
                "rest" => await ReadRestAsync(http, options.Agent),
                _ => await ReadSseAsync(http, options.Agent, started),
            };
            return AnswerResult.From(events, started);
        }
        catch (Exception exception) when (exception is HttpRequestException or WebSocketException or TaskCanceledException or JsonException)
        {
            return new AnswerResult(false, null, Stopwatch.GetElapsedTime(started), 0, exception.GetType().Name);
        }
    }

    private static async Task<List<(GenerationEvent Event, long At)>> ReadSseAsync(HttpClient http, string agent, long started)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = agent, message = "load" }) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(GenerationEvent, long)>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((JsonSerializer.Deserialize(line.AsSpan(6), CanvasJsonContext.Default.GenerationEvent)!, Stopwatch.GetTimestamp()));
            }
        }

        return events;
    }

    private static async Task<List<(GenerationEvent Event, long At)>> ReadRestAsync(HttpClient http, string agent)
    {
        using var response = await http.PostAsJsonAsync("/api/chat", new { agentId = agent, message = "load" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var generationId = body.GetProperty("generationId").GetString()!;
        // REST returns the whole answer at once: its "first token" is the response.
        var at = Stopwatch.GetTimestamp();
        return
        [
            (new DeltaEvent { GenerationId = generationId, Seq = 1, Text = body.GetProperty("text").GetString()! }, at),
            (new DoneEvent { GenerationId = generationId, Seq = 2, FinishReason = body.GetProperty("finishReason").GetString()!, Timings = new(null, 0) }, at),
        ];
    }

    private static async Task<List<(GenerationEvent Event, long At)>> ReadWebSocketAsync(Uri baseAddress, string token, string agent)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        await socket.ConnectAsync(new UriBuilder(baseAddress) { Scheme = "ws", Path = "/api/chat/ws" }.Uri, CancellationToken.None);
        var start = JsonSerializer.SerializeToUtf8Bytes(new { type = "start", requestId = Guid.NewGuid().ToString("N"), agentId = agent, message = "load" });
        await socket.SendAsync(start, WebSocketMessageType.Text, true, CancellationToken.None);
        var events = new List<(GenerationEvent, long)>();
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

            var generationEvent = JsonSerializer.Deserialize(message.ToArray(), CanvasJsonContext.Default.GenerationEvent)!;
            message.SetLength(0);
            events.Add((generationEvent, Stopwatch.GetTimestamp()));
            if (generationEvent.IsTerminal)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                return events;
            }
        }
    }

    private static void Report(LoadOptions options, List<AnswerResult> results, TimeSpan wall)
    {
        var complete = results.Where(r => r.Complete).ToList();
        var ttft = complete.Where(r => r.TimeToFirstToken is not null).Select(r => r.TimeToFirstToken!.Value.TotalMilliseconds).Order().ToArray();
        var total = complete.Select(r => r.Total.TotalMilliseconds).Order().ToArray();
        var report = new StringBuilder()
            .AppendLine($"tier {options.Tier}, concurrency {options.Concurrency}, {options.Requests} answers of {options.Tokens} tokens, {options.TokenInterval.TotalMilliseconds} ms apart, backplane {(options.Redis is null ? "in-process" : "redis")}")
            .AppendLine($"complete and in order: {complete.Count}/{results.Count}; failures: {string.Join(", ", results.Where(r => !r.Complete).GroupBy(r => r.Failure).Select(g => $"{g.Key} ×{g.Count()}"))}")
            .AppendLine($"wall {wall.TotalSeconds:0.00} s; {complete.Count / wall.TotalSeconds:0.0} answers/s; {complete.Sum(r => r.Events) / wall.TotalSeconds:0} events/s delivered")
            .AppendLine($"time to first token ms: p50 {Percentile(ttft, 0.5):0.0}  p95 {Percentile(ttft, 0.95):0.0}  p99 {Percentile(ttft, 0.99):0.0}")
            .AppendLine($"total ms:               p50 {Percentile(total, 0.5):0.0}  p95 {Percentile(total, 0.95):0.0}  p99 {Percentile(total, 0.99):0.0}");
        Console.Write(report);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record AnswerResult(bool Complete, TimeSpan? TimeToFirstToken, TimeSpan Total, int Events, string? Failure)
    {
        public static AnswerResult From(List<(GenerationEvent Event, long At)> events, long started)
        {
            var inOrder = events.Select((e, i) => e.Event.Seq == events[0].Event.Seq + i).All(ok => ok);
            var done = events.Count > 0 && events[^1].Event is DoneEvent;
            var firstDelta = events.FirstOrDefault(e => e.Event is DeltaEvent);
            var failure = !done ? (events.LastOrDefault().Event as ErrorEvent)?.Code ?? "no_terminal_event" : inOrder ? null : "out_of_order";
            return new AnswerResult(done && inOrder,
                firstDelta.Event is null ? null : Stopwatch.GetElapsedTime(started, firstDelta.At),
                Stopwatch.GetElapsedTime(started), events.Count, failure);
        }
    }
}
