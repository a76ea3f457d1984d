using System.Net;
using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Security;

/// <summary>
/// Security matrix, ownership: another user's conversation or generation does not exist for mallory on any endpoint
/// or tier (404 <c>not_found</c>, the same as an id nobody has), and nothing mallory sends changes alice's answer,
/// which is still streaming while mallory tries.
/// </summary>
public sealed class OwnershipTests : ChatApiTest
{
    /// <summary>Every way to name someone else's conversation or generation.</summary>
    public static TheoryData<string> Attempts => new()
    {
        "read conversation", "delete conversation", "start in conversation over sse", "start in conversation over rest",
        "snapshot", "replay after", "replay last-event-id", "cancel",
        "websocket start in conversation", "websocket resume", "websocket cancel",
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task AnotherUsersId_IsNotFound_AndLeavesTheOwnersRunningAnswerAlone(string attempt)
    {
        // Arrange: alice's answer is held open mid-way.
        Environment.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 3) });
        using var alice = Api.ClientFor("alice");
        using var held = await alice.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message = "secret plans" }) },
            HttpCompletionOption.ResponseHeadersRead);
        var events = SseReader.ReadEventsAsync(held).GetAsyncEnumerator();
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent && await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        var meta = (MetaEvent)seen[0];

        // Act
        var code = await AttemptAsMalloryAsync(attempt, meta);
        Environment.OpenAI.ReleaseStalledResponses();
        while (await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        var conversation = await ConversationAssertions.GetAsync(alice, meta.ConversationId);

        // Assert
        Assert.Equal(ErrorCodes.NotFound, code);
        Assert.Equal(FinishReasons.Stop, Assert.IsType<DoneEvent>(seen[^1]).FinishReason);
        Assert.Equal(["user", "assistant"], conversation.Messages.Select(message => message.Role));
        Assert.Single(Environment.OpenAI.Requests);
    }

    private async Task<string?> AttemptAsMalloryAsync(string attempt, MetaEvent meta)
    {
        using var mallory = Api.ClientFor("mallory");
        var (cid, gid) = (meta.ConversationId, meta.GenerationId);
        if (attempt.StartsWith("websocket", StringComparison.Ordinal))
        {
            await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("mallory"));
            await socket.SendAsync(attempt switch
            {
                "websocket start in conversation" => new { type = "start", requestId = "r1", agentId = "gpt", conversationId = cid, message = "me too" },
                "websocket resume" => (object)new { type = "resume", generationId = gid, afterSeq = 0 },
                _ => new { type = "cancel", generationId = gid },
            });
            return (await socket.ReceiveAsync())?["code"]?.GetValue<string>();
        }

        using var response = attempt switch
        {
            "read conversation" => await mallory.GetAsync($"/api/conversations/{cid}"),
            "delete conversation" => await mallory.DeleteAsync($"/api/conversations/{cid}"),
            "start in conversation over sse" => await mallory.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", conversationId = cid, message = "me too" }),
            "start in conversation over rest" => await mallory.PostAsJsonAsync("/api/chat", new { agentId = "gpt", conversationId = cid, message = "me too" }),
            "snapshot" => await mallory.GetAsync($"/api/generations/{gid}"),
            "replay after" => await mallory.GetAsync($"/api/generations/{gid}/events?after=0"),
            "replay last-event-id" => await mallory.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/generations/{gid}/events") { Headers = { { "Last-Event-ID", "0" } } }),
            "cancel" => await mallory.PostAsync($"/api/generations/{gid}/cancel", null),
            _ => throw new ArgumentOutOfRangeException(nameof(attempt), attempt, null),
        };
        var problem = await BadInputTests.AssertProblemAsync(response, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        return problem["code"]!.GetValue<string>();
    }
}
