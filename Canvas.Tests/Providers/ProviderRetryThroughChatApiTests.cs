using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Providers;

/// <summary>
/// The ChatApi's provider clients retry a refused start and type the failure the same way for every agent: the
/// wiring of <see cref="ProviderRetryTests"/>' pieces, end to end.
/// </summary>
public sealed class ProviderRetryThroughChatApiTests : ChatApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Providers:Ollama:MaxRetries"] = "2",
        ["Canvas:Providers:OpenAI:MaxRetries"] = "2",
        ["Canvas:Providers:Anthropic:MaxRetries"] = "2",
    };

    [Theory]
    [InlineData("local")]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task OverloadedOnce_TheAnswerStillArrivesWhole(string agentId)
    {
        // Arrange
        var upstream = Environment.UpstreamOf(agentId);
        upstream.Enqueue(FakeResponse.Overloaded(retryAfterSeconds: 0));
        using var client = Api.ClientFor("alice");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, agentId, "Count from 1 to 5");

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.IsType<DoneEvent>(events[^1]);
        Assert.NotEmpty(ChatDriver.TextOf(events));
        Assert.Equal(2, upstream.Requests.Count);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task RateLimitedForLongerThanTheLongestWait_EndsWithTheTypedErrorAndRetryAfterMs(string agentId)
    {
        // Arrange
        var upstream = Environment.UpstreamOf(agentId);
        upstream.Enqueue(FakeResponse.RateLimited(retryAfterSeconds: 60));
        using var client = Api.ClientFor("alice");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, agentId, "Count from 1 to 5");

        // Assert
        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal(ErrorCodes.UpstreamRateLimited, error.Code);
        Assert.True(error.Retryable);
        Assert.Equal(60_000, error.RetryAfterMs);
        Assert.Single(upstream.Requests);
    }
}
