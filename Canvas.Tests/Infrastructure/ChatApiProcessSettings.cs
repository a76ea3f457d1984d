using Canvas.Tests.Fakes;

namespace Canvas.Tests.Infrastructure;

/// <summary>The settings of a <see cref="ChatApiProcess"/> wired to one Redis and the fake upstreams.</summary>
public static class ChatApiProcessSettings
{
    /// <summary>
    /// The agents of appsettings.json answering from the fakes, the test signing key, the given runner lease, no start
    /// limit to speak of, and logs at Warning.
    /// </summary>
    public static Dictionary<string, string> For(string redis, FakeOllamaServer ollama, FakeOpenAIServer openAI, FakeAnthropicServer anthropic,
        TimeSpan heartbeatInterval, TimeSpan ownerTimeout) => new()
    {
        ["ConnectionStrings:redis"] = redis,
        ["Canvas:Auth:SigningKey"] = TestTokens.SigningKey,
        ["Canvas:Providers:Ollama:Endpoint"] = ollama.BaseAddress.ToString(),
        ["Canvas:Providers:OpenAI:Endpoint"] = new Uri(openAI.BaseAddress, "v1").ToString(),
        ["Canvas:Providers:OpenAI:ApiKey"] = "sk-test-openai",
        ["Canvas:Providers:Anthropic:Endpoint"] = anthropic.BaseAddress.ToString(),
        ["Canvas:Providers:Anthropic:ApiKey"] = "sk-ant-test",
        ["Canvas:Backplane:HeartbeatInterval"] = heartbeatInterval.ToString("c"),
        ["Canvas:Backplane:OwnerTimeout"] = ownerTimeout.ToString("c"),
        ["Canvas:Limits:StartsPerMinute"] = "1000000",
        ["Logging:LogLevel:Default"] = "Warning",
        // CANVAS_CHAOS_VERBOSE: a hunting run also gets each start and end and the multiplexer's connection events.
        ["Logging:LogLevel:Canvas"] = Environment.GetEnvironmentVariable("CANVAS_CHAOS_VERBOSE") is { Length: > 0 } ? "Information" : "Warning",
        ["Logging:LogLevel:StackExchange.Redis"] = Environment.GetEnvironmentVariable("CANVAS_CHAOS_VERBOSE") is { Length: > 0 } ? "Information" : "Warning",
    };
}
