using Canvas.ChatApi.Agents;

namespace Canvas.Tests.Agents;

public sealed class AgentCatalogTests
{
    [Fact]
    public void Build_ProviderWithoutKey_LeavesItsAgentsOutAndSaysWhy()
    {
        // Arrange
        var options = Options(("local", "ollama", "llama3.2:1b"), ("gpt", "openai", "gpt-4o-mini"));
        options.Providers["Ollama"] = new ProviderOptions { Endpoint = new Uri("http://localhost:11434") };

        // Act
        var catalog = AgentCatalog.Build(options, ollamaConnectionString: null);

        // Assert
        Assert.Equal(["local"], catalog.Agents.Select(a => a.Id));
        var (agent, reason) = Assert.Single(catalog.LeftOut);
        Assert.Equal("gpt", agent.Id);
        Assert.Contains("Canvas:Providers:OpenAI:ApiKey", reason);
    }

    [Fact]
    public void Build_DefaultPolicy_OffersOllamaOverSseThenRestAndOthersOverAllTiers()
    {
        // Arrange
        var options = Options(("local", "ollama", "m"), ("gpt", "openai", "m"), ("claude", "anthropic", "m"));
        options.Providers["Ollama"] = new ProviderOptions { Endpoint = new Uri("http://localhost:11434") };
        options.Providers["OpenAI"] = new ProviderOptions { ApiKey = "sk-test" };
        options.Providers["Anthropic"] = new ProviderOptions { ApiKey = "sk-ant-test" };

        // Act
        var catalog = AgentCatalog.Build(options, null);

        // Assert
        Assert.Equal(["sse", "rest"], catalog.Find("local")!.Transports);
        Assert.Equal(["websocket", "sse", "rest"], catalog.Find("gpt")!.Transports);
        Assert.Equal(["websocket", "sse", "rest"], catalog.Find("claude")!.Transports);
        Assert.Contains("natively over HTTP", catalog.Find("local")!.TransportNote);
    }

    [Fact]
    public void Build_TransportOverride_ReplacesTheProvidersOrder()
    {
        // Arrange
        var options = Options(("gpt", "openai", "m"));
        options.Providers["OpenAI"] = new ProviderOptions { ApiKey = "sk-test" };
        options.Transports["openai"] = ["sse", "rest"];

        // Act
        var agent = AgentCatalog.Build(options, null).Find("gpt")!;

        // Assert
        Assert.Equal(["sse", "rest"], agent.Transports);
        Assert.False(agent.Allows("websocket"));
    }

    [Fact]
    public void Build_AspireOllamaConnectionString_GivesEndpointAndDefaultModel()
    {
        // Arrange
        var options = Options(("local", "ollama", null));

        // Act
        var catalog = AgentCatalog.Build(options, "Endpoint=http://ollama:11434;Model=qwen2.5:0.5b");

        // Assert
        var agent = Assert.Single(catalog.Agents);
        Assert.Equal("qwen2.5:0.5b", agent.Model);
        Assert.Equal(new Uri("http://ollama:11434"), Assert.Single(catalog.Providers).Endpoint);
    }

    [Theory]
    [InlineData("gpt", "mistral", "is not one of")]
    [InlineData("", "openai", ":Id is required")]
    public void Build_InvalidAgent_FailsNamingTheKey(string id, string provider, string expected)
    {
        // Arrange
        var options = Options((id, provider, "m"));

        // Act
        var failure = Record.Exception(() => AgentCatalog.Build(options, null));

        // Assert
        var invalid = Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("Canvas:Agents:0", invalid.Message);
        Assert.Contains(expected, invalid.Message);
    }

    [Fact]
    public void Build_UnknownTierInOverride_Fails()
    {
        // Arrange
        var options = Options(("gpt", "openai", "m"));
        options.Providers["OpenAI"] = new ProviderOptions { ApiKey = "sk-test" };
        options.Transports["openai"] = ["carrier-pigeon"];

        // Act
        var failure = Record.Exception(() => AgentCatalog.Build(options, null));

        // Assert
        Assert.Contains("Canvas:Transports:openai", Assert.IsType<InvalidOperationException>(failure).Message);
    }

    private static CanvasOptions Options(params (string Id, string Provider, string? Model)[] agents)
    {
        var options = new CanvasOptions();
        options.Agents.AddRange(agents.Select(a => new AgentOptions { Id = a.Id, Provider = a.Provider, Model = a.Model }));
        return options;
    }
}
