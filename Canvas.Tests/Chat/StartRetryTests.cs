using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>
/// A start retried with the same idempotency key continues the answer the first attempt started: a connection that
/// drops before <c>meta</c> arrives never makes a second answer. Request ids alone never join answers.
/// </summary>
public sealed class StartRetryTests : ChatApiTest
{
    [Fact]
    public async Task WebSocketDropped_RetriedOverSseWithTheSameIdempotencyKey_ContinuesTheSameAnswer()
    {
        // Arrange
        Environment.OpenAI.Enqueue(FakeResponse.Default with { ChunkDelay = TimeSpan.FromMilliseconds(30) });
        var upstreamCallsBefore = Environment.OpenAI.Requests.Count;
        await using (var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice")))
        {
            await socket.SendAsync(new { type = "start", requestId = "r1", idempotencyKey = "answer-7f3a", agentId = "gpt", message = "Count from 1 to 5" });
            // The server has started the answer; the client may not have seen that before the drop.
            Assert.Equal("meta", (await socket.ReceiveAsync())!["type"]!.GetValue<string>());
            socket.Abort();
        }

        // Act
        using var client = Api.ClientFor("alice");
        var events = await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5", idempotencyKey: "answer-7f3a");

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_basic_usage.sse").Text, ChatDriver.TextOf(events));
        Assert.Equal(upstreamCallsBefore + 1, Environment.OpenAI.Requests.Count);
        var conversation = await ConversationAssertions.GetAsync(client, ((MetaEvent)events[0]).ConversationId);
        Assert.Equal(["user", "assistant"], conversation.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task SameIdempotencyKeyWithAnotherMessage_StartsANewAnswer()
    {
        // Arrange
        using var client = Api.ClientFor("bob");
        var first = await ChatDriver.AskOverSseAsync(client, "gpt", "first question", idempotencyKey: "k1");

        // Act
        var second = await ChatDriver.AskOverSseAsync(client, "gpt", "second question", idempotencyKey: "k1");

        // Assert
        Assert.NotEqual(first[0].GenerationId, second[0].GenerationId);
    }

    [Fact]
    public async Task SameRequestIdWithoutIdempotencyKey_StartsANewAnswerEachTime()
    {
        // Arrange: a client whose per-socket counter restarts asks the same question again in a new chat.
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("carol"));
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
        var first = await socket.ReceiveUntilTerminalAsync();

        // Act
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
        var second = await socket.ReceiveUntilTerminalAsync();

        // Assert
        Assert.NotEqual(first[0]["generationId"]!.GetValue<string>(), second[0]["generationId"]!.GetValue<string>());
        Assert.NotEqual(first[0]["conversationId"]!.GetValue<string>(), second[0]["conversationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task IdempotencyKeyOverTheLimit_IsRefused()
    {
        // Arrange
        using var client = Api.ClientFor("bob");
        client.DefaultRequestHeaders.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, new string('k', 129));

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "hi" });

        // Assert
        await BadInputTests.AssertProblemAsync(response, System.Net.HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
    }
}
