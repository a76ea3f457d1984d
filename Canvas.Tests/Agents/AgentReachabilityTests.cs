using System.Net;
using System.Net.Sockets;
using Canvas.ChatApi.Agents;
using Canvas.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.Agents;

/// <summary>
/// The background check of the agents' providers, against the fake upstreams: each agent is reachable, or unreachable
/// with a reason that names the fix; the check repeats on its interval (a fake clock) and never runs on a request.
/// </summary>
public sealed class AgentReachabilityTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private FakeOllamaServer _ollama = null!;
    private FakeOpenAIServer _openAI = null!;
    private FakeAnthropicServer _anthropic = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _openAI = await FakeOpenAIServer.StartAsync();
        _anthropic = await FakeAnthropicServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _ollama.DisposeAsync();
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _http.DisposeAsync();
    }

    [Fact]
    public void StatusOf_BeforeTheFirstCheck_IsUnknownAndNoProviderWasAsked()
    {
        // Arrange
        var reachability = Reachability(Catalog());

        // Act
        var status = reachability.StatusOf("local");

        // Assert
        Assert.Equal(AgentStatus.NotChecked, status);
        Assert.Equal(0, _ollama.ProbeCount + _openAI.ProbeCount + _anthropic.ProbeCount);
    }

    [Fact]
    public async Task CheckAllAsync_ProvidersAnswerAndTheModelIsPulled_EveryAgentIsReachable()
    {
        // Arrange
        _ollama.PulledModels = ["llama3.2:1b", "qwen3:latest"];
        var reachability = Reachability(Catalog(ollamaModel: "qwen3"));

        // Act
        await reachability.CheckAllAsync(CancellationToken.None).WaitAsync(Bound);

        // Assert
        foreach (var agent in new[] { "local", "gpt", "claude" })
        {
            Assert.Equal(new AgentStatus(AgentStatus.Reachable, null, _time.GetUtcNow()), reachability.StatusOf(agent));
        }
    }

    [Fact]
    public async Task CheckAllAsync_OllamaWithoutTheModel_IsUnreachableWithThePullCommand()
    {
        // Arrange: the recorded model list has only llama3.2:latest.
        var reachability = Reachability(Catalog(ollamaModel: "llama3.2:1b"));

        // Act
        await reachability.CheckAllAsync(CancellationToken.None).WaitAsync(Bound);

        // Assert
        var status = reachability.StatusOf("local");
        Assert.Equal(AgentStatus.Unreachable, status.State);
        Assert.Equal("the model llama3.2:1b is not pulled: run `ollama pull llama3.2:1b`", status.Reason);
    }

    [Fact]
    public async Task CheckAllAsync_NothingListening_SaysOllamaIsNotRunningAndTheOthersCannotBeReached()
    {
        // Arrange
        var closed = ClosedPort();
        var reachability = Reachability(Catalog(ollama: closed, openAI: new Uri(closed, "v1"), anthropic: closed));

        // Act
        await reachability.CheckAllAsync(CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(new AgentStatus(AgentStatus.Unreachable, $"Ollama is not running at {closed}", _time.GetUtcNow()), reachability.StatusOf("local"));
        Assert.Equal("OpenAI cannot be reached", reachability.StatusOf("gpt").Reason);
        Assert.Equal("Anthropic cannot be reached", reachability.StatusOf("claude").Reason);
    }

    [Fact]
    public async Task CheckAllAsync_KeyRefused_SaysTheApiKeyIsRejectedWithoutTheKey()
    {
        // Arrange
        _openAI.AcceptedApiKey = "sk-the-right-one";
        _anthropic.AcceptedApiKey = "sk-ant-the-right-one";
        _ollama.PulledModels = ["llama3.2:1b"];
        var reachability = Reachability(Catalog());

        // Act
        await reachability.CheckAllAsync(CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(new AgentStatus(AgentStatus.Unreachable, "the API key is rejected", _time.GetUtcNow()), reachability.StatusOf("gpt"));
        Assert.Equal("the API key is rejected", reachability.StatusOf("claude").Reason);
        Assert.Equal(AgentStatus.Reachable, reachability.StatusOf("local").State);
    }

    [Fact]
    public async Task Service_ChecksAtStartThenEveryInterval_AndFollowsAProviderThatRecovers()
    {
        // Arrange
        _openAI.AcceptedApiKey = "sk-the-right-one";
        var reachability = Reachability(Catalog(), interval: TimeSpan.FromSeconds(30));
        var rounds = new SemaphoreSlim(0);
        reachability.Checked += (_, _) => rounds.Release();

        // Act
        await reachability.StartAsync(CancellationToken.None);
        Assert.True(await rounds.WaitAsync(Bound));
        var atStart = reachability.StatusOf("gpt");
        var probesAtStart = _openAI.ProbeCount;
        _openAI.AcceptedApiKey = null;
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await rounds.WaitAsync(Bound));
        var afterInterval = reachability.StatusOf("gpt");
        await reachability.StopAsync(CancellationToken.None);

        // Assert
        Assert.Equal(AgentStatus.Unreachable, atStart.State);
        Assert.Equal(1, probesAtStart);
        Assert.Equal(new AgentStatus(AgentStatus.Reachable, null, _time.GetUtcNow()), afterInterval);
        Assert.Equal(2, _openAI.ProbeCount);
    }

    private AgentReachability Reachability(AgentCatalog catalog, TimeSpan? interval = null) => new(
        catalog,
        new ProviderProbe(_http.GetRequiredService<IHttpClientFactory>()),
        Microsoft.Extensions.Options.Options.Create(new AgentCheckOptions { Interval = interval ?? TimeSpan.FromSeconds(30) }),
        _time,
        NullLogger<AgentReachability>.Instance);

    private AgentCatalog Catalog(string ollamaModel = "llama3.2:1b", Uri? ollama = null, Uri? openAI = null, Uri? anthropic = null)
    {
        var options = new CanvasOptions();
        options.Agents.Add(new AgentOptions { Id = "local", Provider = "ollama", Model = ollamaModel });
        options.Agents.Add(new AgentOptions { Id = "gpt", Provider = "openai", Model = "gpt-4o-mini" });
        options.Agents.Add(new AgentOptions { Id = "claude", Provider = "anthropic", Model = "claude-sonnet-4-5" });
        options.Providers["Ollama"] = new ProviderOptions { Endpoint = ollama ?? _ollama.BaseAddress };
        options.Providers["OpenAI"] = new ProviderOptions { Endpoint = openAI ?? new Uri(_openAI.BaseAddress, "v1"), ApiKey = "sk-test-openai" };
        options.Providers["Anthropic"] = new ProviderOptions { Endpoint = anthropic ?? _anthropic.BaseAddress, ApiKey = "sk-ant-test" };
        return AgentCatalog.Build(options, ollamaConnectionString: null);
    }

    /// <summary>A loopback address nothing listens on: a port just bound and released.</summary>
    private static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
