using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Faults;

/// <summary>
/// A provider that goes silent, before its first token or after some, ends the answer with a retryable
/// <c>upstream_timeout</c> once the configured timeout passes (<c>FirstByteTimeout</c> before the body,
/// <c>IdleTimeout</c> between chunks; here both 1 s), on every provider: never a hang, and the text streamed so far is
/// kept. The timeouts themselves are timed on a fake clock in <c>StreamingTimeoutHandlerTests</c>.
/// </summary>
public sealed class ProviderStallTests : ChatApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Providers:Ollama:FirstByteTimeout"] = "00:00:01",
        ["Canvas:Providers:OpenAI:FirstByteTimeout"] = "00:00:01",
        ["Canvas:Providers:Anthropic:FirstByteTimeout"] = "00:00:01",
        ["Canvas:Providers:Ollama:IdleTimeout"] = "00:00:01",
        ["Canvas:Providers:OpenAI:IdleTimeout"] = "00:00:01",
        ["Canvas:Providers:Anthropic:IdleTimeout"] = "00:00:01",
    };

    [Theory]
    [InlineData("local")]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task StallBeforeTheFirstToken_EndsWithRetryableUpstreamTimeout_AndNoText(string agentId)
    {
        // Arrange
        Environment.UpstreamOf(agentId).Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 0) });
        using var client = Api.ClientFor("alice");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, agentId, "Count from 1 to 5");

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.DoesNotContain(events, generationEvent => generationEvent is DeltaEvent);
        AssertTimedOut(events);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task StallAfterTheFirstToken_OnTheBestTier_EndsWithRetryableUpstreamTimeout_AndKeepsTheText(string agentId)
    {
        // Arrange
        var chunksWithText = agentId == "claude" ? 5 : 4;
        Environment.UpstreamOf(agentId).Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: chunksWithText) });
        using var client = Api.ClientFor("alice");

        // Act
        var events = agentId == "local"
            ? await ChatDriver.AskOverSseAsync(client, agentId, "Count from 1 to 5")
            : await ChatDriver.AskOverWebSocketAsync(Api, "alice", agentId, "Count from 1 to 5");

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.Contains(events, generationEvent => generationEvent is DeltaEvent);
        AssertTimedOut(events);
        var stored = (await ConversationAssertions.GetAsync(client, ((MetaEvent)events[0]).ConversationId)).Messages[^1];
        Assert.Equal(ChatDriver.TextOf(events), stored.Text);
    }

    private static void AssertTimedOut(IReadOnlyList<GenerationEvent> events)
    {
        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal(ErrorCodes.UpstreamTimeout, error.Code);
        Assert.True(error.Retryable);
    }
}
