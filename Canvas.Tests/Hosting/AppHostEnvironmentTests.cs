using System.Net;
using System.Security.Cryptography;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Sdk;

namespace Canvas.Tests.Hosting;

/// <summary>
/// ChatApi and WebFrontend as Canvas.AppHost runs them, without Aspire: each built service in its own process with
/// only the variables the AppHost gives it (<c>WithReference(redis)</c>, <c>WithReference(chat-model)</c>,
/// <c>WithReference(chatapi)</c>, the signing key parameter, and what Aspire adds to every project, see
/// <see cref="AspireProjectEnvironment"/>). Redis is a real <c>redis-server</c>, Ollama the fake that replays its
/// recording, and the dashboard's OTLP endpoint a closed port, as when the dashboard is not up yet.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class AppHostEnvironmentTests(RedisServerFixture redis) : IAsyncLifetime
{
    private const string OllamaModel = "llama3.2:1b";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // A port nothing listens on, as when the dashboard is not up: exporting fails quietly and must not make the
    // services unhealthy.
    private static readonly Uri ClosedOtlpEndpoint = new("http://localhost:1");

    // As the AppHost's jwt-signing-key parameter generates it: 64 characters, letters and digits only.
    private readonly string _signingKey = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 64);
    private readonly List<ServiceProcess> _services = [];
    private FakeOllamaServer _ollama = null!;

    public async Task InitializeAsync() => _ollama = await FakeOllamaServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        await _ollama.DisposeAsync();
    }

    [Fact]
    public async Task ServicesWithOnlyTheAppHostsEnvironment_AreHealthy_AndChatThroughWebFrontend()
    {
        // Arrange
        var chatApi = await StartAsync("chatapi", "Canvas.ChatApi", new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["ConnectionStrings__chat-model"] = $"Endpoint={_ollama.BaseAddress.GetLeftPart(UriPartial.Authority)};Model={OllamaModel}",
            ["Canvas__Auth__SigningKey"] = _signingKey,
        });
        var webFrontend = await StartAsync("webfrontend", "Canvas.WebFrontend", new Dictionary<string, string>
        {
            ["services__chatapi__http__0"] = chatApi.Address.GetLeftPart(UriPartial.Authority),
            ["Canvas__Auth__SigningKey"] = _signingKey,
        });
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = webFrontend.Address, Timeout = Bound };

        await ExplainedByTheirOutputAsync(async () =>
        {
            // Act
            var chatApiHealth = await HealthAsync(chatApi);
            var webFrontendHealth = await HealthAsync(webFrontend);
            using var page = await browser.GetAsync("/").WaitAsync(Bound);
            var events = await ChatDriver.AskOverSseAsync(browser, "local", "Count from 1 to 5");

            // Assert
            Assert.Equal(HttpStatusCode.OK, chatApiHealth);
            Assert.Equal(HttpStatusCode.OK, webFrontendHealth);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains(cookies.GetCookies(webFrontend.Address), cookie => cookie.Name == "canvas.id");
            ChatDriver.AssertWellFormed(events);
            Assert.Equal(FixtureTranscript.Ollama("chat_stream_basic.ndjson").Text, ChatDriver.TextOf(events));
        });
    }

    private async Task<ServiceProcess> StartAsync(string name, string project, IReadOnlyDictionary<string, string> references)
    {
        var service = await ServiceProcess.StartAsync(name, project, AspireProjectEnvironment.For(name, ClosedOtlpEndpoint, references));
        _services.Add(service);
        return service;
    }

    private static async Task<HttpStatusCode> HealthAsync(ServiceProcess service)
    {
        using var client = new HttpClient { BaseAddress = service.Address, Timeout = Bound };
        using var response = await client.GetAsync("/health");
        return response.StatusCode;
    }

    private async Task ExplainedByTheirOutputAsync(Func<Task> act)
    {
        try
        {
            await act();
        }
        catch (Exception exception)
        {
            throw new XunitException(
                $"{exception.Message}{Environment.NewLine}{string.Join(Environment.NewLine, _services.Select(service => service.Describe()))}",
                exception);
        }
    }
}
