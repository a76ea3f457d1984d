using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>
/// Regenerate, regenerate with another agent, and edit and resend: a start with <c>editMessageId</c> cuts the
/// conversation at that user message and answers the new one, on every tier.
/// </summary>
public sealed class EditTests : ChatApiTest
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("sse")]
    [InlineData("rest")]
    public async Task Regenerate_TheLastUserMessage_ReplacesItsAnswerAndTheProviderSeesOnlyWhatCameBefore(string tier)
    {
        // Arrange
        var userId = $"regenerate-{tier}";
        using var client = Api.ClientFor(userId);
        var conversationId = await TwoTurnsAsync(client, "gpt");
        var before = await ConversationAssertions.GetAsync(client, conversationId);

        // Act
        var events = await AskAsync(userId, tier, "gpt", "second question", conversationId, before.Messages[2].Id);
        var after = await ConversationAssertions.GetAsync(client, conversationId);

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_basic_usage.sse").Text, ChatDriver.TextOf(events));
        Assert.Equal(["first question", before.Messages[1].Text, "second question", ChatDriver.TextOf(events)], after.Messages.Select(m => m.Text));
        Assert.Equal(before.Messages.Take(2), after.Messages.Take(2));
        Assert.NotEqual(before.Messages[2].Id, after.Messages[2].Id);
        Assert.Equal(events[0].GenerationId, after.Messages[3].GenerationId);
        var sent = Environment.OpenAI.Requests[^1].Json.GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("content").ToString()).ToList();
        Assert.Equal(["first question", before.Messages[1].Text, "second question"], sent.Skip(1));
    }

    [Fact]
    public async Task RegenerateWithAnotherAgent_AnswersWithThatAgentWhichBecomesTheConversations()
    {
        // Arrange
        using var client = Api.ClientFor("other-agent");
        var conversationId = await TwoTurnsAsync(client, "local");
        var before = await ConversationAssertions.GetAsync(client, conversationId);

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "claude", "second question", conversationId, editMessageId: before.Messages[2].Id);
        var after = await ConversationAssertions.GetAsync(client, conversationId);

        // Assert
        Assert.Equal("claude", ((MetaEvent)events[0]).AgentId);
        Assert.Equal("claude", after.AgentId);
        Assert.Equal(["local", "local", "claude", "claude"], after.Messages.Select(m => m.AgentId));
        Assert.Equal("anthropic", after.Messages[3].Provider);
        Assert.Equal("claude", Assert.Single((await client.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations", JsonSerializerOptions.Web))!).AgentId);
    }

    [Fact]
    public async Task EditAndResend_TheFirstMessage_LeavesOnlyTheNewQuestionAndItsAnswer()
    {
        // Arrange
        using var client = Api.ClientFor("edit-first");
        var conversationId = await TwoTurnsAsync(client, "local");
        var before = await ConversationAssertions.GetAsync(client, conversationId);

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "local", "a better question", conversationId, editMessageId: before.Messages[0].Id);
        var after = await ConversationAssertions.GetAsync(client, conversationId);

        // Assert
        Assert.Equal(["a better question", ChatDriver.TextOf(events)], after.Messages.Select(m => m.Text));
        var sent = Environment.Ollama.Requests[^1].Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString());
        Assert.Equal(["system", "user"], sent);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("assistant")]
    [InlineData("malformed")]
    public async Task Edit_OfAnUnknownOrAssistantMessage_IsABadRequestThatSaysWhichAndChangesNothing(string which)
    {
        // Arrange
        using var client = Api.ClientFor($"bad-edit-{which}");
        var conversationId = await TwoTurnsAsync(client, "local");
        var before = await ConversationAssertions.GetAsync(client, conversationId);
        var editMessageId = which switch
        {
            "unknown" => Ids.NewMessageId(),
            "assistant" => before.Messages[1].Id,
            _ => "not-a-message-id",
        };

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "local", conversationId, message = "again", editMessageId });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCodes.BadRequest, (string?)problem["code"]);
        Assert.Contains(editMessageId!, (string?)problem["detail"]);
        Assert.Equal(before.Messages, (await ConversationAssertions.GetAsync(client, conversationId)).Messages);
    }

    [Fact]
    public async Task Edit_OverWebSocketOfAnAssistantMessage_IsRefusedAndTheSocketStaysUsable()
    {
        // Arrange
        using var client = Api.ClientFor("bad-edit-socket");
        var conversationId = await TwoTurnsAsync(client, "gpt");
        var before = await ConversationAssertions.GetAsync(client, conversationId);
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("bad-edit-socket"));

        // Act
        await socket.SendAsync(new { type = "start", requestId = "r-bad", agentId = "gpt", conversationId, message = "again", editMessageId = before.Messages[1].Id });
        var refusal = (await socket.ReceiveAsync())!;
        var events = await ChatDriver.AskOverWebSocketAsync(socket, "gpt", "second question", conversationId, editMessageId: before.Messages[2].Id);

        // Assert
        Assert.Equal("error", (string?)refusal["type"]);
        Assert.Equal("r-bad", (string?)refusal["requestId"]);
        Assert.Equal(ErrorCodes.BadRequest, (string?)refusal["code"]);
        Assert.IsType<DoneEvent>(events[^1]);
    }

    [Fact]
    public async Task Edit_WhileTheConversationIsStillAnswering_IsConversationBusy()
    {
        // Arrange: the second answer stalls, so the conversation is still answering.
        using var client = Api.ClientFor("busy-edit");
        var first = await ChatDriver.AskOverSseAsync(client, "local", "first question");
        var conversationId = ((MetaEvent)first[0]).ConversationId;
        Environment.Ollama.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 1) });
        using var running = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId = "local", conversationId, message = "second question" }),
        };
        using var stream = await client.SendAsync(running, HttpCompletionOption.ResponseHeadersRead);
        var events = SseReader.ReadEventsAsync(stream).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        var question = (await ConversationAssertions.GetAsync(client, conversationId)).Messages[2];

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse",
            new { agentId = "local", conversationId, message = "second question", editMessageId = question.Id });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Environment.Ollama.ReleaseStalledResponses();
        while (await events.MoveNextAsync())
        {
        }

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(ErrorCodes.ConversationBusy, (string?)problem["code"]);
        Assert.Equal(4, (await ConversationAssertions.GetAsync(client, conversationId)).Messages.Count);
    }

    [Fact]
    public async Task Regenerate_RetriedWithTheSameIdempotencyKey_JoinsTheFirstAttemptInsteadOfCuttingAgain()
    {
        // Arrange: the first attempt starts the regenerated answer; its client never sees it end.
        using var client = Api.ClientFor("edit-retry");
        var conversationId = await TwoTurnsAsync(client, "gpt");
        var question = (await ConversationAssertions.GetAsync(client, conversationId)).Messages[2];
        Environment.OpenAI.Enqueue(FakeResponse.Default with { ChunkDelay = TimeSpan.FromMilliseconds(30) });
        var upstreamCallsBefore = Environment.OpenAI.Requests.Count;
        string firstGenerationId;
        await using (var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("edit-retry")))
        {
            await socket.SendAsync(new { type = "start", requestId = "r1", idempotencyKey = "regen-1", agentId = "gpt", conversationId, message = "second question", editMessageId = question.Id });
            firstGenerationId = (string)(await socket.ReceiveAsync())!["generationId"]!;
            socket.Abort();
        }

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "gpt", "second question", conversationId, idempotencyKey: "regen-1", editMessageId: question.Id);

        // Assert
        Assert.Equal(firstGenerationId, events[0].GenerationId);
        Assert.IsType<DoneEvent>(events[^1]);
        Assert.Equal(upstreamCallsBefore + 1, Environment.OpenAI.Requests.Count);
        Assert.Equal(4, (await ConversationAssertions.GetAsync(client, conversationId)).Messages.Count);
    }

    /// <summary>Asks two questions in a new conversation and returns its id.</summary>
    private static async Task<string> TwoTurnsAsync(HttpClient client, string agentId)
    {
        var first = await ChatDriver.AskOverSseAsync(client, agentId, "first question");
        var conversationId = ((MetaEvent)first[0]).ConversationId;
        await ChatDriver.AskOverSseAsync(client, agentId, "second question", conversationId);
        return conversationId;
    }

    private async Task<List<GenerationEvent>> AskAsync(
        string userId, string tier, string agentId, string message, string conversationId, string? editMessageId)
    {
        using var client = Api.ClientFor(userId);
        switch (tier)
        {
            case "websocket":
                return await ChatDriver.AskOverWebSocketAsync(Api, userId, agentId, message, conversationId, editMessageId: editMessageId);
            case "sse":
                return await ChatDriver.AskOverSseAsync(client, agentId, message, conversationId, editMessageId: editMessageId);
            default:
                var (answer, problem) = await ChatDriver.AskOverRestAsync(client, agentId, message, conversationId, editMessageId: editMessageId);
                Assert.True(answer is not null, problem?.ToJsonString());
                return await ChatDriver.ReplayAsync(client, answer.GenerationId);
        }
    }
}
