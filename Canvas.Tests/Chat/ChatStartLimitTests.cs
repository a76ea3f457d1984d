using System.Net;
using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>One user cannot start answers faster than the limit, on any tier; other users are unaffected.</summary>
public sealed class ChatStartLimitTests : ChatApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Canvas:Limits:StartsPerMinute"] = "2" };

    [Fact]
    public async Task StartsOverTheLimit_AreRefusedWith429OnEveryTier_AndOtherUsersGoOn()
    {
        // Arrange
        using var alice = Api.ClientFor("alice");
        await ChatDriver.AskOverSseAsync(alice, "gpt", "one");
        await ChatDriver.AskOverSseAsync(alice, "gpt", "two");

        // Act
        using var overSse = await alice.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "three" });
        using var overRest = await alice.PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "three" });
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "start", requestId = "r3", agentId = "gpt", message = "three" });
        var overWebSocket = await socket.ReceiveAsync();
        var bob = await ChatDriver.AskOverSseAsync(Api.ClientFor("bob"), "gpt", "one");

        // Assert
        var problem = await BadInputTests.AssertProblemAsync(overSse, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.Contains("2 per minute", problem["detail"]!.GetValue<string>());
        await BadInputTests.AssertProblemAsync(overRest, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.Equal(ErrorCodes.RateLimited, overWebSocket!["code"]!.GetValue<string>());
        Assert.IsType<DoneEvent>(bob[^1]);
    }
}
