using System.Net.Http.Headers;
using System.Text.Json;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A real ChatApi on Kestrel, on a free loopback port, configured by the test: real HTTP, real WebSockets,
/// real Redis when the settings name one. Several instances sharing one Redis are several replicas.
/// </summary>
/// <remarks>
/// The host is composed with the same two calls as Program.cs (<see cref="ChatApiApplication"/>) instead of through
/// <c>WebApplicationFactory</c>, which runs the entry point on a thread of its own and intercepts its host through
/// process-wide diagnostic events: on a busy machine that thread could start Kestrel before the factory set the port
/// ("Addresses cannot be modified after the server has started"), and parallel tests could catch each other's host.
/// </remarks>
public sealed class ChatApiHost : IAsyncDisposable
{
    private static readonly Lazy<string> ContentRoot = new(FindContentRoot);
    private readonly WebApplication _app;
    private int _disposed;

    private ChatApiHost(WebApplication app, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseAddress = new Uri(addresses.Addresses.Single());
    }

    /// <summary>Starts an instance with the settings on top of appsettings.json.</summary>
    public static ChatApiHost Start(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ChatServices).Assembly.GetName().Name,
            EnvironmentName = "Testing",
            ContentRootPath = ContentRoot.Value,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Canvas:Auth:SigningKey"] = TestTokens.SigningKey });
        builder.Configuration.AddInMemoryCollection(settings);

        builder.AddChatApi();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseChatApi();
        app.StartAsync().GetAwaiter().GetResult();
        return new ChatApiHost(app, logs);
    }

    /// <summary>Gets what the instance logged.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>Gets the address the instance listens on.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the instance's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Creates a client for the user, authenticated with a JWT the instance trusts.</summary>
    public HttpClient ClientFor(string userId)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(userId));
        return client;
    }

    /// <summary>Creates a client with no credentials.</summary>
    public HttpClient AnonymousClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Gets the WebSocket URL of the chat endpoint.</summary>
    public Uri WebSocketUri(string? query = null) =>
        new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/api/chat/ws", Query = query ?? "" }.Uri;

    /// <inheritdoc/>
    /// <remarks>Once only: a test that stops an instance mid-way leaves it to its environment's disposal too.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The ChatApi's project folder, where its appsettings.json is (the test output has the WebFrontend's), as the
    // Mvc.Testing build targets record it for every referenced web project.
    private static string FindContentRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        var roots = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest))!;
        return roots[typeof(ChatServices).Assembly.FullName!];
    }
}
