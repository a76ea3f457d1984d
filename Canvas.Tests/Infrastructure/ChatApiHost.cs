using Canvas.ChatApi.Apis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net.Http.Headers;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A real ChatApi on Kestrel, on a free loopback port, configured by the test: real HTTP, real WebSockets,
/// real Redis when the settings name one. Several instances sharing one Redis are several replicas.
/// </summary>
public sealed class ChatApiHost : WebApplicationFactory<ChatServices>
{
    // WebApplicationFactory finds the app's host through process-wide diagnostic events; hosts of the same app
    // built at the same moment by parallel tests can catch each other's, so they are built one at a time.
    private static readonly Lock Starting = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    private ChatApiHost(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
    {
        _settings = settings;
        _configureServices = configureServices;
        UseKestrel(0);
    }

    /// <summary>Starts an instance with the settings on top of appsettings.json.</summary>
    public static ChatApiHost Start(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var host = new ChatApiHost(settings, configureServices);
            try
            {
                lock (Starting)
                {
                    host.StartServer();
                }

                var addresses = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
                host.BaseAddress = new Uri(addresses.Addresses.First());
                return host;
            }
            // Rarely, on a busy machine, the factory's interception of the app's entry point comes too late and the
            // app starts its server before the factory can choose the port ("Addresses cannot be modified after the
            // server has started"); a fresh factory starts cleanly.
            catch (InvalidOperationException) when (attempt < 3)
            {
                host.Dispose();
            }
        }
    }

    /// <summary>Gets what the instance logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Gets the address the instance listens on.</summary>
    public Uri BaseAddress { get; private set; } = null!;

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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.UseSetting("Canvas:Auth:SigningKey", TestTokens.SigningKey);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureServices(_configureServices);
        }
    }
}
