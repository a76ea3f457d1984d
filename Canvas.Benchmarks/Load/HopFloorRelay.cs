using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// The hop floor: the smallest relay of the same shape as Canvas (HTTP call to the upstream, SSE to the client, no
/// broker, no store), speaking Canvas's SSE events so the load generator reads it like the ChatApi. Canvas's cost
/// is what it adds over this.
/// </summary>
internal sealed class HopFloorRelay : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HopFloorRelay(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<HopFloorRelay> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("upstream", http => http.BaseAddress = new Uri(upstream + "/"));
        var app = builder.Build();
        app.MapPost("/api/chat/sse", (HttpContext context, IHttpClientFactory clients) => RelayAsync(context, clients.CreateClient("upstream")));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HopFloorRelay(app, new Uri(address));
    }

    private static async Task RelayAsync(HttpContext context, HttpClient upstream)
    {
        var aborted = context.RequestAborted;
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, aborted);
        context.Response.ContentType = "text/event-stream";
        await WriteAsync(context, 0, """{"type":"meta","seq":0,"generationId":"g_floor","conversationId":"c_floor","agentId":"floor","provider":"openai","model":"synthetic","transport":"sse"}""");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(aborted));
        var seq = 1L;
        while (await reader.ReadLineAsync(aborted) is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line.AsMemory(6));
            var choices = chunk.RootElement.GetProperty("choices");
            if (choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("content", out var content))
            {
                await WriteAsync(context, seq, $$"""{"type":"delta","seq":{{seq}},"generationId":"g_floor","text":{{JsonSerializer.Serialize(content.GetString())}}}""");
                seq++;
            }
        }

        await WriteAsync(context, seq, $$$"""{"type":"done","seq":{{{seq}}},"generationId":"g_floor","finishReason":"stop","timings":{"totalMs":0}}""");
    }

    private static async Task WriteAsync(HttpContext context, long seq, string json)
    {
        await context.Response.WriteAsync($"id: {seq}\ndata: {json}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
