using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Conversations;

/// <summary><c>/api/conversations</c> over HTTP: pages with a Link header, search, rename, and a new chat listed at once.</summary>
public sealed class ConversationsApiTests : ChatApiTest
{
    [Fact]
    public async Task List_WithLimit_PagesThroughTheLinkHeaderUntilThereIsNone()
    {
        // Arrange
        using var client = Api.ClientFor("paging-user");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var events = await ChatDriver.AskOverSseAsync(client, "local", $"Question {i}");
            created.Add(((MetaEvent)events[0]).ConversationId);
        }

        // Act
        var listed = new List<string>();
        var links = new List<string?>();
        string? next = "/api/conversations?limit=2";
        while (next is not null && links.Count < 10)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            listed.AddRange((await response.Content.ReadFromJsonAsync<List<ConversationSummary>>(JsonSerializerOptions.Web))!.Select(s => s.Id));
            next = response.Headers.TryGetValues("Link", out var values) ? NextLink(values.Single()) : null;
            links.Add(next);
        }

        // Assert
        Assert.Equal(Enumerable.Reverse(created), listed);
        Assert.Equal(3, links.Count);
        Assert.Null(links[^1]);
    }

    [Fact]
    public async Task List_WithQ_ReturnsTitlesContainingItIgnoringCase()
    {
        // Arrange
        using var client = Api.ClientFor("search-user");
        var soup = ((MetaEvent)(await ChatDriver.AskOverSseAsync(client, "local", "Tomato SOUP, please"))[0]).ConversationId;
        await ChatDriver.AskOverSseAsync(client, "local", "Train times");

        // Act
        var found = await client.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations?q=soup", JsonSerializerOptions.Web);

        // Assert
        Assert.Equal([soup], found!.Select(s => s.Id));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("before=not-a-cursor")]
    public async Task List_WithABadLimitOrCursor_IsABadRequestThatSaysWhich(string query)
    {
        // Arrange
        using var client = Api.ClientFor("bad-list-user");

        // Act
        using var response = await client.GetAsync($"/api/conversations?{query}");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCodes.BadRequest, (string?)problem["code"]);
        Assert.Contains(query.Split('=')[0], (string?)problem["detail"]);
    }

    [Fact]
    public async Task Patch_WithATitle_RenamesTrimmedAndReturnsTheSummary()
    {
        // Arrange
        using var client = Api.ClientFor("rename-user");
        var conversationId = ((MetaEvent)(await ChatDriver.AskOverSseAsync(client, "local", "Hello"))[0]).ConversationId;

        // Act
        using var response = await client.PatchAsJsonAsync($"/api/conversations/{conversationId}", new { title = "  Greetings ✨  " });
        var summary = await response.Content.ReadFromJsonAsync<ConversationSummary>(JsonSerializerOptions.Web);
        var conversation = await ConversationAssertions.GetAsync(client, conversationId);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Greetings ✨", summary!.Title);
        Assert.Equal(conversation.Summary, summary);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("201")]
    public async Task Patch_WithAnEmptyOrTooLongTitle_IsTitleInvalidAndKeepsTheTitle(string? title)
    {
        // Arrange
        using var client = Api.ClientFor("bad-title-user");
        var conversationId = ((MetaEvent)(await ChatDriver.AskOverSseAsync(client, "local", "Hello"))[0]).ConversationId;
        var sent = title == "201" ? new string('x', 201) : title;

        // Act
        using var response = await client.PatchAsJsonAsync($"/api/conversations/{conversationId}", new { title = sent });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCodes.TitleInvalid, (string?)problem["code"]);
        Assert.Equal("Hello", (await ConversationAssertions.GetAsync(client, conversationId)).Title);
    }

    [Fact]
    public async Task Patch_AnotherUsersConversation_IsNotFoundAndKeepsTheTitle()
    {
        // Arrange
        using var owner = Api.ClientFor("patch-owner");
        using var stranger = Api.ClientFor("patch-stranger");
        var conversationId = ((MetaEvent)(await ChatDriver.AskOverSseAsync(owner, "local", "Mine"))[0]).ConversationId;

        // Act
        using var response = await stranger.PatchAsJsonAsync($"/api/conversations/{conversationId}", new { title = "Yours" });

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ErrorCodes.NotFound, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
        Assert.Equal("Mine", (await ConversationAssertions.GetAsync(owner, conversationId)).Title);
    }

    [Fact]
    public async Task List_AsSoonAsMetaArrives_HasTheNewConversationWithItsActiveGeneration()
    {
        // Arrange: the answer stalls after its first token, so it is still running when the list is read.
        Environment.Ollama.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 1) });
        using var client = Api.ClientFor("early-list-user");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "local", message = "Brand new chat" }) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = SseReader.ReadEventsAsync(response).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        var meta = Assert.IsType<MetaEvent>(events.Current);

        // Act
        var listed = await client.GetFromJsonAsync<List<ConversationSummary>>("/api/conversations", JsonSerializerOptions.Web);
        Environment.Ollama.ReleaseStalledResponses();
        while (await events.MoveNextAsync())
        {
        }

        // Assert
        var summary = Assert.Single(listed!);
        Assert.Equal(meta.ConversationId, summary.Id);
        Assert.Equal("Brand new chat", summary.Title);
        Assert.Equal(meta.GenerationId, summary.ActiveGenerationId);
    }

    private static string? NextLink(string header)
    {
        Assert.EndsWith("; rel=\"next\"", header);
        return header[1..header.IndexOf('>', StringComparison.Ordinal)];
    }
}
