using Canvas.Tests.Fakes;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// Fake Ollama, OpenAI and Anthropic upstreams, and ChatApi instances wired to them: the agents <c>local</c>
/// (Ollama), <c>gpt</c> (OpenAI) and <c>claude</c> (Anthropic) from appsettings.json answer from the recordings.
/// </summary>
public sealed class ChatEnvironment : IAsyncDisposable
{
    private readonly List<ChatApiHost> _instances = [];

    private ChatEnvironment(FakeOllamaServer ollama, FakeOpenAIServer openAI, FakeAnthropicServer anthropic, string? redis)
    {
        Ollama = ollama;
        OpenAI = openAI;
        Anthropic = anthropic;
        Redis = redis;
    }

    public FakeOllamaServer Ollama { get; }
    public FakeOpenAIServer OpenAI { get; }
    public FakeAnthropicServer Anthropic { get; }

    /// <summary>Gets the Redis connection string the instances share, or null for in-process instances.</summary>
    public string? Redis { get; }

    /// <summary>The model of the <c>local</c> agent (appsettings.json), which the fake Ollama lists as pulled.</summary>
    public const string OllamaModel = "llama3.2:1b";

    public static async Task<ChatEnvironment> StartAsync(string? redis = null)
    {
        var ollama = await FakeOllamaServer.StartAsync();
        ollama.PulledModels = [OllamaModel];
        return new(ollama, await FakeOpenAIServer.StartAsync(), await FakeAnthropicServer.StartAsync(), redis);
    }

    /// <summary>The fake behind an agent of appsettings.json.</summary>
    public FakeUpstreamServer UpstreamOf(string agentId) => agentId switch
    {
        "local" => Ollama,
        "gpt" => OpenAI,
        "claude" => Anthropic,
        _ => throw new ArgumentOutOfRangeException(nameof(agentId), agentId, "Not an agent of appsettings.json."),
    };

    /// <summary>Starts a ChatApi instance (a replica, when Redis is shared) with extra settings on top.</summary>
    public ChatApiHost StartInstance(IReadOnlyDictionary<string, string?>? extra = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Canvas:Providers:Ollama:Endpoint"] = Ollama.BaseAddress.ToString(),
            ["Canvas:Providers:OpenAI:Endpoint"] = new Uri(OpenAI.BaseAddress, "v1").ToString(),
            ["Canvas:Providers:OpenAI:ApiKey"] = "sk-test-openai",
            ["Canvas:Providers:Anthropic:Endpoint"] = Anthropic.BaseAddress.ToString(),
            ["Canvas:Providers:Anthropic:ApiKey"] = "sk-ant-test",
            ["Canvas:Providers:Ollama:IdleTimeout"] = "00:00:05",
            ["Canvas:Providers:OpenAI:IdleTimeout"] = "00:00:05",
            ["Canvas:Providers:Anthropic:IdleTimeout"] = "00:00:05",
            ["Canvas:Backplane:HeartbeatInterval"] = "00:00:00.500",
            ["Canvas:Backplane:OwnerTimeout"] = "00:00:03",
            ["ConnectionStrings:redis"] = Redis,
            // Test users start far more answers a minute than people do; ChatStartLimitTests covers the limit.
            ["Canvas:Limits:StartsPerMinute"] = "10000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var instance = ChatApiHost.Start(settings, configureServices);
        _instances.Add(instance);
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Ollama.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
