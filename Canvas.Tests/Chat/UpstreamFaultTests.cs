using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>
/// Each way an upstream fails gives the client a clear <c>error</c> event as the last event, never a hang, and leaves
/// the conversation consistent: the partial answer is stored, marked as ended by an error.
/// </summary>
public sealed class UpstreamFaultTests : ChatApiTest
{
    public static TheoryData<string, string, string, bool> Faults()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var agent in new[] { "local", "gpt", "claude" })
        {
            data.Add(agent, "rate-limited", ErrorCodes.UpstreamRateLimited, true);
            data.Add(agent, "server-error", ErrorCodes.UpstreamError, true);
            data.Add(agent, "cut-before-headers", ErrorCodes.UpstreamUnavailable, true);
            data.Add(agent, "cut-mid-stream", ErrorCodes.UpstreamUnavailable, true);
            data.Add(agent, "stall", ErrorCodes.UpstreamTimeout, true);
            data.Add(agent, "garbage", ErrorCodes.UpstreamError, true);
            data.Add(agent, "in-band-error", ErrorCodes.UpstreamError, true);
        }

        data.Add("gpt", "unauthorized", ErrorCodes.UpstreamAuthFailed, false);
        data.Add("claude", "unauthorized", ErrorCodes.UpstreamAuthFailed, false);
        data.Add("local", "model-not-found", ErrorCodes.UpstreamRejected, false);
        return data;
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Providers:Ollama:IdleTimeout"] = "00:00:01",
        ["Canvas:Providers:OpenAI:IdleTimeout"] = "00:00:01",
        ["Canvas:Providers:Anthropic:IdleTimeout"] = "00:00:01",
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task UpstreamFault_EndsWithAClearErrorEvent_AndKeepsThePartialAnswer(string agentId, string fault, string code, bool retryable)
    {
        // Arrange
        Environment.UpstreamOf(agentId).Enqueue(Response(fault));
        using var client = Api.ClientFor("alice");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, agentId, "Count from 1 to 5");
        var conversation = await ConversationAssertions.GetAsync(client, ((MetaEvent)events[0]).ConversationId);

        // Assert
        ChatDriver.AssertWellFormed(events);
        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal(code, error.Code);
        Assert.Equal(retryable, error.Retryable);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.DoesNotContain("sk-", error.Message);
        var stored = conversation.Messages[^1];
        Assert.Equal("assistant", stored.Role);
        Assert.Equal(FinishReasons.Error, stored.FinishReason);
        Assert.Equal(ChatDriver.TextOf(events), stored.Text);
    }

    [Fact]
    public async Task RateLimit_CarriesTheUpstreamsRetryAfter()
    {
        // Arrange
        Environment.OpenAI.Enqueue(FakeResponse.RateLimited(retryAfterSeconds: 7));
        using var client = Api.ClientFor("alice");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "gpt", "hi");

        // Assert
        Assert.Equal(7000, Assert.IsType<ErrorEvent>(events[^1]).RetryAfterMs);
    }

    [Fact]
    public async Task AfterAFailure_TheNextMessageInTheConversationStillWorks()
    {
        // Arrange
        Environment.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Cut(afterChunks: 3) });
        using var client = Api.ClientFor("alice");
        var failed = await ChatDriver.AskOverSseAsync(client, "gpt", "first");

        // Act
        var retried = await ChatDriver.AskOverSseAsync(client, "gpt", "again", ((MetaEvent)failed[0]).ConversationId);

        // Assert
        Assert.IsType<DoneEvent>(retried[^1]);
        var conversation = await ConversationAssertions.GetAsync(client, ((MetaEvent)failed[0]).ConversationId);
        Assert.Equal(["user", "assistant", "user", "assistant"], conversation.Messages.Select(m => m.Role));
        Assert.Equal([FinishReasons.Error, FinishReasons.Stop], conversation.Messages.Where(m => m.Role == "assistant").Select(m => m.FinishReason));
    }

    private static FakeResponse Response(string fault) => fault switch
    {
        "rate-limited" => FakeResponse.RateLimited(),
        "server-error" => FakeResponse.InternalServerError(),
        "unauthorized" => FakeResponse.Unauthorized(),
        "model-not-found" => FakeResponse.ModelNotFound(),
        "cut-before-headers" => FakeResponse.Default with { Fault = StreamFault.Cut(0) },
        "cut-mid-stream" => FakeResponse.Default with { Fault = StreamFault.Cut(3) },
        "stall" => FakeResponse.Default with { Fault = StreamFault.Stall(3) },
        "garbage" => FakeResponse.Default with { Fault = StreamFault.Garbage(3) },
        "in-band-error" => FakeResponse.Default with { Fault = StreamFault.InBandError(3) },
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };
}
