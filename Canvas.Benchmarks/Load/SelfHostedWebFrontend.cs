using Canvas.WebFrontend;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// The WebFrontend on loopback Kestrel, proxying <c>/api</c> to a ChatApi with tokens it mints for its signed-in
/// (anonymous, cookie) user, as a browser's requests go: the path the load generator's <c>webfrontend</c> tier measures.
/// </summary>
internal sealed class SelfHostedWebFrontend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SelfHostedWebFrontend(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the frontend in front of <paramref name="chatApi"/>, minting tokens with its signing key.</summary>
    public static async Task<SelfHostedWebFrontend> StartAsync(Uri chatApi, string signingKey)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebFrontendExtensions).Assembly.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:chatapi:http:0"] = chatApi.ToString(),
            ["Canvas:Auth:SigningKey"] = signingKey,
        });
        builder.AddWebFrontend();
        var app = builder.Build();
        app.MapWebFrontend();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SelfHostedWebFrontend(app, new Uri(address));
    }

    /// <summary>Signs a new anonymous user in and returns its identity cookie (<c>name=value</c>).</summary>
    public async Task<string> SignInAsync()
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress };
        using var response = await http.GetAsync("/health");
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.FirstOrDefault() : null;
        return setCookie?.Split(';')[0] ?? throw new InvalidOperationException("The WebFrontend signed nobody in.");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
