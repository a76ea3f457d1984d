using System.Net;
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
/// The web frontend on real Kestrel on loopback, proxying either to a tiny upstream that stands in for the chat API
/// (<see cref="StartAsync()"/>: <c>/api/echo</c> returns the headers it received, <c>/api/stream</c> sends one event
/// and waits for the test before sending the last, and <c>/api/chat/ws</c> echoes WebSocket messages) or to a real
/// chat API (<see cref="StartInFrontOfAsync"/>).
/// </summary>
internal sealed class FrontendTestHost : IAsyncDisposable
{
    public const string SigningKey = "test-signing-key-0123456789abcdef-0123456789";

    private readonly WebApplication? _upstream;
    private readonly WebApplication _frontend;
    private readonly TaskCompletionSource? _release;

    private FrontendTestHost(WebApplication? upstream, WebApplication frontend, TaskCompletionSource? release)
    {
        _upstream = upstream;
        _frontend = frontend;
        _release = release;
    }

    /// <summary>Gets the frontend's base address.</summary>
    public Uri Address => new(Addresses(_frontend).First());

    /// <summary>Gets the frontend's own origin, the only one it lets open WebSockets.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    /// <summary>Starts the frontend in front of the stand-in upstream.</summary>
    public static async Task<FrontendTestHost> StartAsync()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstream = BuildUpstream(release);
        await upstream.StartAsync();

        var frontend = await StartFrontendAsync(Addresses(upstream).First(), SigningKey, configureServices: null);
        return new FrontendTestHost(upstream, frontend, release);
    }

    /// <summary>
    /// Starts the frontend in front of a real chat API, signing its users' tokens with the key a
    /// <see cref="ChatApiHost"/> trusts (<see cref="TestTokens.SigningKey"/>).
    /// </summary>
    /// <param name="chatApi">The chat API's base address.</param>
    /// <param name="configureServices">Extra services, e.g. a tracer provider's exporter.</param>
    /// <param name="signingKey">The key the frontend signs tokens with; null for the one the chat API trusts.</param>
    public static async Task<FrontendTestHost> StartInFrontOfAsync(Uri chatApi, Action<IServiceCollection>? configureServices = null, string? signingKey = null)
    {
        var frontend = await StartFrontendAsync(chatApi.ToString(), signingKey ?? TestTokens.SigningKey, configureServices);
        return new FrontendTestHost(upstream: null, frontend, release: null);
    }

    /// <summary>Gets an address on loopback where nothing listens: a chat API that is down.</summary>
    public static Uri NothingListening()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Lets the upstream stream send its last event.</summary>
    public void Release() => _release!.TrySetResult();

    /// <summary>A client that keeps cookies out of a jar so tests can read the raw Set-Cookie header.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Address };

    /// <summary>A client that keeps the frontend's cookies in <paramref name="cookies"/>, as a browser tab does.</summary>
    public HttpClient CreateBrowserClient(CookieContainer cookies) =>
        new(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Opens the chat WebSocket as the page does: its own origin and the cookies of <paramref name="cookies"/>.</summary>
    public Task<ChatSocketClient> ConnectChatSocketAsync(CookieContainer cookies) =>
        ChatSocketClient.ConnectAsync(
            new UriBuilder(Address) { Scheme = "ws", Path = "/api/chat/ws" }.Uri,
            options =>
            {
                options.Cookies = cookies;
                options.SetRequestHeader("Origin", Origin);
            });

    public async ValueTask DisposeAsync()
    {
        _release?.TrySetResult();
        await _frontend.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartFrontendAsync(
        string chatApiAddress, string signingKey, Action<IServiceCollection>? configureServices)
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
            ["services:chatapi:http:0"] = chatApiAddress,
            ["Canvas:Auth:SigningKey"] = signingKey,
        });
        builder.AddWebFrontend();
        configureServices?.Invoke(builder.Services);
        var frontend = builder.Build();
        frontend.MapWebFrontend();
        await frontend.StartAsync();
        return frontend;
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

        app.MapGet("/api/refuse", () => Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", extensions: new Dictionary<string, object?> { ["code"] = "unauthorized" }));

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
