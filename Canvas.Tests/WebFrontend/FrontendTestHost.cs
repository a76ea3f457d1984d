using System.Net.WebSockets;
using Canvas.Tests.Infrastructure;
using Canvas.WebFrontend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canvas.Tests.WebFrontend;

/// <summary>
/// The web frontend on real Kestrel on loopback, proxying either to a real ChatApi (<see cref="StartForAsync"/>) or to
/// a tiny upstream that stands in for the chat API (<see cref="StartAsync"/>): <c>/api/echo</c> returns the headers it
/// received, <c>/api/stream</c> sends one event and waits for the test before sending the last, and
/// <c>/api/chat/ws</c> echoes WebSocket messages.
/// </summary>
internal sealed class FrontendTestHost : IAsyncDisposable
{
    public const string SigningKey = "test-signing-key-0123456789abcdef-0123456789";

    private readonly WebApplication? _upstream;
    private readonly WebApplication _frontend;

    private FrontendTestHost(WebApplication? upstream, WebApplication frontend)
    {
        _upstream = upstream;
        _frontend = frontend;
    }

    /// <summary>Gets the frontend's base address.</summary>
    public Uri Address => new(Addresses(_frontend).First());

    public static async Task<FrontendTestHost> StartAsync()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstream = BuildUpstream(release);
        await upstream.StartAsync();
        var host = new FrontendTestHost(upstream, await StartFrontendAsync(new Uri(Addresses(upstream).First()), SigningKey));
        host._release = release;
        return host;
    }

    /// <summary>Starts the frontend in front of a real ChatApi that trusts <see cref="TestTokens.SigningKey"/>.</summary>
    /// <param name="chatApi">The ChatApi's base address, as Aspire would inject it.</param>
    public static async Task<FrontendTestHost> StartForAsync(Uri chatApi) =>
        new(upstream: null, await StartFrontendAsync(chatApi, TestTokens.SigningKey));

    private static async Task<WebApplication> StartFrontendAsync(Uri chatApi, string signingKey)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebFrontendExtensions).Assembly.GetName().Name,
            // Development serves the client from the build output through its static web assets manifest (a
            // published app has it in wwwroot).
            EnvironmentName = "Development",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:chatapi:http:0"] = chatApi.ToString().TrimEnd('/'),
            ["Canvas:Auth:SigningKey"] = signingKey,
        });
        builder.AddWebFrontend();
        var frontend = builder.Build();
        frontend.MapWebFrontend();
        await frontend.StartAsync();
        return frontend;
    }

    private TaskCompletionSource? _release;

    /// <summary>Lets the upstream stream send its last event.</summary>
    public void Release() => _release!.TrySetResult();

    /// <summary>A client that keeps cookies out of a jar so tests can read the raw Set-Cookie header.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        _release?.TrySetResult();
        await _frontend.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    private static IEnumerable<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;

    private static WebApplication BuildUpstream(TaskCompletionSource release)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();

        app.MapGet("/api/echo", (HttpRequest request) => Results.Json(new Dictionary<string, string?>
        {
            ["authorization"] = request.Headers.Authorization.ToString(),
            ["cookie"] = request.Headers.Cookie.ToString(),
            ["path"] = request.Path + request.QueryString,
        }));

        app.MapGet("/api/stream", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("id: 0\nevent: meta\ndata: {\"type\":\"meta\",\"seq\":0}\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("id: 1\nevent: done\ndata: {\"type\":\"done\",\"seq\":1}\n\n");
        });

        app.Map("/api/chat/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            await socket.SendAsync(buffer.AsMemory(0, received.Count), WebSocketMessageType.Text, true, context.RequestAborted);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", context.RequestAborted);
        });

        return app;
    }
}
