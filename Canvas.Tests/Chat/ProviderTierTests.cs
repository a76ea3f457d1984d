using System.Net.Http.Json;
using System.Text.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>Every provider over every tier it allows yields exactly the recorded answer, framed the same way.</summary>
public sealed class ProviderTierTests : ChatApiTest
{
    public static TheoryData<string, string> AllowedTiers => new()
    {
        { "local", "sse" }, { "local", "rest" },
        { "gpt", "websocket" }, { "gpt", "sse" }, { "gpt", "rest" },
        { "claude", "websocket" }, { "claude", "sse" }, { "claude", "rest" },
    };

    [Theory]
    [MemberData(nameof(AllowedTiers))]
    public async Task Answer_OverEachAllowedTier_IsExactlyTheRecordedTextBetweenMetaAndDone(string agentId, string tier)
    {
        // Arrange
        var expected = Recording(agentId);

        // Act
        var events = await AskAsync("alice", agentId, tier);

        // Assert
        ChatDriver.AssertWellFormed(events);
        var meta = Assert.IsType<MetaEvent>(events[0]);
        Assert.Equal(tier, meta.Transport);
        Assert.Equal(agentId, meta.AgentId);
        Assert.Equal(expected.Text, ChatDriver.TextOf(events));
        var done = Assert.IsType<DoneEvent>(events[^1]);
        Assert.Equal(FinishReasons.Stop, done.FinishReason);
        Assert.Equal(expected.InputTokens, done.Usage?.InputTokens);
        Assert.Equal(expected.OutputTokens, done.Usage?.OutputTokens);
        Assert.NotNull(done.Timings.TimeToFirstTokenMs);
    }

    [Theory]
    [MemberData(nameof(AllowedTiers))]
    public async Task Answer_OverEachAllowedTier_IsStoredInTheConversationWithItsIdTierProviderModelUsageAndTimings(string agentId, string tier)
    {
        // Arrange
        using var client = Api.ClientFor("dave");

        // Act
        var events = await AskAsync("dave", agentId, tier);
        var meta = (MetaEvent)events[0];
        var done = Assert.IsType<DoneEvent>(events[^1]);
        var conversation = await ConversationAssertions.GetAsync(client, meta.ConversationId);

        // Assert
        Assert.Equal(["user", "assistant"], conversation.Messages.Select(m => m.Role));
        Assert.Equal("Count from 1 to 5", conversation.Messages[0].Text);
        Assert.Equal(ChatDriver.TextOf(events), conversation.Messages[1].Text);
        Assert.Equal(FinishReasons.Stop, conversation.Messages[1].FinishReason);
        Assert.All(conversation.Messages, message => Assert.StartsWith("m_", message.Id));
        Assert.True(conversation.Messages[0] is { Transport: null, Provider: null, Model: null, Usage: null, Timings: null, Reasoning: null });
        var answer = conversation.Messages[1];
        Assert.Equal(tier, answer.Transport);
        Assert.Equal(meta.Provider, answer.Provider);
        Assert.Equal(meta.Model, answer.Model);
        Assert.Equal(done.Usage, answer.Usage);
        Assert.Equal(done.Timings, answer.Timings);
        Assert.Null(answer.Reasoning);
    }

    public static TheoryData<string, string> ReasoningTiers => new()
    {
        { "local", "sse" }, { "local", "rest" },
        { "claude", "websocket" }, { "claude", "sse" }, { "claude", "rest" },
    };

    [Theory]
    [MemberData(nameof(ReasoningTiers))]
    public async Task Reasoning_OverEachAllowedTier_StreamsAsReasoningEventsApartFromTheExactAnswerAndIsStored(string agentId, string tier)
    {
        // Arrange
        var (recording, expected) = agentId == "local"
            ? ("chat_stream_thinking_cloud.ndjson", FixtureTranscript.Ollama("chat_stream_thinking_cloud.ndjson"))
            : ("messages_stream_thinking.sse", FixtureTranscript.Anthropic("messages_stream_thinking.sse"));
        Assert.NotEmpty(expected.Reasoning);
        Environment.UpstreamOf(agentId).Enqueue(FakeResponse.Fixture(recording));
        var userId = $"thinker-{agentId}-{tier}";
        using var client = Api.ClientFor(userId);

        // Act
        var events = await AskAsync(userId, agentId, tier);
        var conversation = await ConversationAssertions.GetAsync(client, ((MetaEvent)events[0]).ConversationId);
        var snapshot = await client.GetFromJsonAsync<GenerationSnapshot>($"/api/generations/{events[0].GenerationId}", JsonSerializerOptions.Web);

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.Equal(expected.Text, ChatDriver.TextOf(events));
        Assert.Equal(expected.Reasoning, string.Concat(events.OfType<ReasoningEvent>().Select(r => r.Text)));
        // Both recordings think first, then answer.
        Assert.True(events.FindLastIndex(e => e is ReasoningEvent) < events.FindIndex(e => e is DeltaEvent));
        var done = Assert.IsType<DoneEvent>(events[^1]);
        Assert.NotNull(done.Timings.ReasoningMs);
        var answer = conversation.Messages[1];
        Assert.Equal(expected.Text, answer.Text);
        Assert.Equal(expected.Reasoning, answer.Reasoning);
        Assert.Equal(done.Timings, answer.Timings);
        Assert.Equal(expected.Reasoning, snapshot!.Reasoning);
        Assert.Equal(expected.Text, snapshot.Text);
    }

    [Fact]
    public async Task Answer_SplitAtRandomBytesInsideUtf8Sequences_IsStillExact()
    {
        // Arrange: the thinking recording is long and full of multi-byte characters.
        Environment.Ollama.Enqueue(FakeResponse.Fixture("chat_stream_thinking_cloud.ndjson") with { Chunking = StreamChunking.RandomOffsets(seed: 7, maxBytes: 5) });
        using var client = Api.ClientFor("carol");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "local", "Count from 1 to 5");

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.Equal(FixtureTranscript.Ollama("chat_stream_thinking_cloud.ndjson").Text, ChatDriver.TextOf(events));
    }

    private async Task<List<GenerationEvent>> AskAsync(string userId, string agentId, string tier)
    {
        const string message = "Count from 1 to 5";
        using var client = Api.ClientFor(userId);
        switch (tier)
        {
            case "sse":
                return await ChatDriver.AskOverSseAsync(client, agentId, message);
            case "websocket":
                return await ChatDriver.AskOverWebSocketAsync(Api, userId, agentId, message);
            default:
                var (answer, problem) = await ChatDriver.AskOverRestAsync(client, agentId, message);
                Assert.True(answer is not null, problem?.ToJsonString());
                var replay = await ChatDriver.ReplayAsync(client, answer.GenerationId);
                Assert.Equal(answer.Text, ChatDriver.TextOf(replay));
                Assert.Equal(answer.Reasoning, replay.OfType<ReasoningEvent>().Select(r => r.Text).DefaultIfEmpty().Aggregate(string.Concat));
                return replay;
        }
    }

    private static FixtureTranscript Recording(string agentId) => agentId switch
    {
        "local" => FixtureTranscript.Ollama("chat_stream_basic.ndjson"),
        "gpt" => FixtureTranscript.OpenAI("chat_stream_basic_usage.sse"),
        _ => FixtureTranscript.Anthropic("messages_stream_text_ping_midstream.sse"),
    };
}
