using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// An Ollama <c>/api/chat</c> endpoint that streams a fixed number of tokens at a fixed pace as NDJSON, one line per
/// token as Ollama writes them, each stamped when emitted (<see cref="TokenStamp"/>), so the ChatApi's Ollama path
/// (OllamaSharp's line reader and parser) is what the load goes through.
/// </summary>
internal sealed class SyntheticOllamaUpstream : ISyntheticUpstream
{
    private readonly WebApplication _app;

    private SyntheticOllamaUpstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<SyntheticOllamaUpstream> StartAsync(int tokens, TimeSpan tokenInterval)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/api/chat", (HttpContext context) => StreamAsync(context, tokens, tokenInterval));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SyntheticOllamaUpstream(app, new Uri(address + "/"));
    }

    private static async Task StreamAsync(HttpContext context, int tokens, TimeSpan interval)
    {
        context.Response.ContentType = "application/x-ndjson";
        for (var i = 0; i < tokens; i++)
        {
            await Write(context, $$"""{"model":"synthetic","created_at":"2026-12-01T00:00:00Z","message":{"role":"assistant","content":"{{TokenStamp.Now(i)}}"},"done":false}""");
            if (interval > TimeSpan.Zero)
            {
                await Task.Delay(interval, context.RequestAborted);
            }
        }

        await Write(context, $$"""{"model":"synthetic","created_at":"2026-12-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1,"prompt_eval_count":5,"eval_count":{{tokens}}}""");
    }

    private static async Task Write(HttpContext context, string json)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json + "\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
