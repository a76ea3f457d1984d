using System.Net;
using System.Net.Http.Json;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>Multi-turn: the provider sees the agent's system prompt and the whole conversation.</summary>
public sealed class ConversationHistoryTests : ChatApiTest
{
    [Theory]
    [InlineData("local")]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task SecondMessage_SendsSystemPromptAndEarlierTurnsToTheProvider(string agentId)
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        var upstream = Environment.UpstreamOf(agentId);
        var first = await ChatDriver.AskOverSseAsync(client, agentId, "first question");
        var conversationId = ((MetaEvent)first[0]).ConversationId;

        // Act
        await ChatDriver.AskOverSseAsync(client, agentId, "second question", conversationId);

        // Assert
        var sent = upstream.Requests[^1].Body;
        Assert.Contains("concise, helpful assistant", sent);
        Assert.Contains("first question", sent);
        var answer = ChatDriver.TextOf(first);
        Assert.Contains(answer[..Math.Min(8, answer.Length)].Replace("\n", "\\n"), sent);
        Assert.True(sent.IndexOf("first question", StringComparison.Ordinal) < sent.IndexOf("second question", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Conversations_AreListedNewestFirstAndCanBeDeleted()
    {
        // Arrange
        using var client = Api.ClientFor("dora");
        var older = ((MetaEvent)(await ChatDriver.AskOverSseAsync(client, "gpt", "older"))[0]).ConversationId;
        var newer = ((MetaEvent)(await ChatDriver.AskOverSseAsync(client, "gpt", "newer"))[0]).ConversationId;

        // Act
        var listed = await client.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations");
        using var deleted = await client.DeleteAsync($"/api/conversations/{older}");
        var afterDelete = await client.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations");

        // Assert
        Assert.Equal([newer, older], listed!.Select(c => c.Id));
        Assert.Equal("newer", listed![0].Title);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal([newer], afterDelete!.Select(c => c.Id));
    }

    [Fact]
    public async Task UserMessage_RecordsTheGenerationAnsweringIt_SoAnotherTabCanFollow()
    {
        // Arrange
        using var client = Api.ClientFor("erin");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "gpt", "hello");
        var conversation = await ConversationAssertions.GetAsync(client, ((MetaEvent)events[0]).ConversationId);

        // Assert
        Assert.Equal(events[0].GenerationId, conversation.Messages[0].GenerationId);
        Assert.Equal(events[0].GenerationId, conversation.Messages[1].GenerationId);
    }
}
