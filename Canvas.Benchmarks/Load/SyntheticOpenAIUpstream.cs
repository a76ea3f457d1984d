using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// An OpenAI-compatible chat completions endpoint that streams a fixed number of tokens at a fixed pace, each stamped
/// with the moment it is emitted (<see cref="TokenStamp"/>), so the load generator measures Canvas rather than a model.
/// </summary>
internal sealed class SyntheticOpenAIUpstream : ISyntheticUpstream
{
    private readonly WebApplication _app;

    private SyntheticOpenAIUpstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<SyntheticOpenAIUpstream> StartAsync(int tokens, TimeSpan tokenInterval)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpContext context) => StreamAsync(context, tokens, tokenInterval));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SyntheticOpenAIUpstream(app, new Uri(address + "/v1"));
    }

    private static async Task StreamAsync(HttpContext context, int tokens, TimeSpan interval)
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        for (var i = 0; i < tokens; i++)
        {
            await Write(context, $$"""{"id":"c","object":"chat.completion.chunk","created":1,"model":"synthetic","choices":[{"index":0,"delta":{"content":"{{TokenStamp.Now(i)}}"},"finish_reason":null}]}""");
            if (interval > TimeSpan.Zero)
            {
                await Task.Delay(interval, context.RequestAborted);
            }
        }

        await Write(context, """{"id":"c","object":"chat.completion.chunk","created":1,"model":"synthetic","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
        await Write(context, $$$"""{"id":"c","object":"chat.completion.chunk","created":1,"model":"synthetic","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":{{{tokens}}},"total_tokens":{{{tokens + 5}}}}}""");
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static async Task Write(HttpContext context, string json)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {json}\n\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
