using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Auth;

/// <summary>Who may call, what a refused caller is told, and that one user never sees another's data.</summary>
public sealed class AuthTests : ChatApiTest
{
    private const string ApiToken = "cnv_machine-client-token-for-tests";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Auth:ApiTokens:0:UserId"] = "robot",
        ["Canvas:Auth:ApiTokens:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiToken))),
    };

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "none", "bearer token" },
        { "expired", "expired" },
        { "wrong-key", "signature" },
        { "wrong-audience", "audience" },
        { "cnv_unknown-token", "Unknown API token" },
        { "garbage", "malformed" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Request_WithoutAValidToken_Is401ProblemDetailsSayingWhy(string token, string reason)
    {
        // Arrange
        using var client = Api.AnonymousClient();
        var bearer = token switch
        {
            "none" => null,
            "expired" => TestTokens.For("alice", notBefore: DateTime.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(5)),
            "wrong-key" => TestTokens.For("alice", key: "some-other-key-that-is-long-enough-to-sign"),
            "wrong-audience" => TestTokens.For("alice", audience: "someone-else"),
            "garbage" => "not.a.jwt",
            _ => token,
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        // Act
        using var response = await client.GetAsync("/api/agents");

        // Assert
        var problem = await BadInputTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains(reason, detail, StringComparison.OrdinalIgnoreCase);
        if (bearer is not null)
        {
            Assert.DoesNotContain(bearer, detail);
        }
    }

    [Fact]
    public async Task Request_WithAConfiguredApiToken_ActsAsItsUser()
    {
        // Arrange
        using var client = Api.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "gpt", "hello");
        using var robots = await client.GetAsync($"/api/conversations/{((MetaEvent)events[0]).ConversationId}");
        using var alices = await Api.ClientFor("alice").GetAsync($"/api/conversations/{((MetaEvent)events[0]).ConversationId}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, robots.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, alices.StatusCode);
    }

    [Fact]
    public async Task AnotherUsersIds_AreNotFoundOnEveryEndpoint()
    {
        // Arrange
        using var alice = Api.ClientFor("alice");
        using var mallory = Api.ClientFor("mallory");
        var events = await ChatDriver.AskOverSseAsync(alice, "gpt", "secret plans");
        var meta = (MetaEvent)events[0];

        // Act
        var responses = new[]
        {
            await mallory.GetAsync($"/api/conversations/{meta.ConversationId}"),
            await mallory.DeleteAsync($"/api/conversations/{meta.ConversationId}"),
            await mallory.GetAsync($"/api/generations/{meta.GenerationId}"),
            await mallory.GetAsync($"/api/generations/{meta.GenerationId}/events?after=0"),
            await mallory.PostAsync($"/api/generations/{meta.GenerationId}/cancel", null),
            await mallory.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", conversationId = meta.ConversationId, message = "me too" }),
        };
        var mallorysList = await mallory.GetFromJsonAsync<JsonArray>("/api/conversations");

        // Assert
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.Empty(mallorysList!);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/conversations/{meta.ConversationId}")).StatusCode);
    }

    [Fact]
    public async Task AnotherUsersGeneration_OverWebSocket_ResumeAndCancelAreNotFound()
    {
        // Arrange
        using var alice = Api.ClientFor("alice");
        var generationId = ((MetaEvent)(await ChatDriver.AskOverSseAsync(alice, "gpt", "hi"))[0]).GenerationId;
        await using var mallory = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("mallory"));

        // Act
        await mallory.SendAsync(new { type = "resume", generationId, afterSeq = 0 });
        var resume = await mallory.ReceiveAsync();
        await mallory.SendAsync(new { type = "cancel", generationId });
        var cancel = await mallory.ReceiveAsync();

        // Assert
        Assert.Equal(ErrorCodes.NotFound, resume!["code"]!.GetValue<string>());
        Assert.Equal(ErrorCodes.NotFound, cancel!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebSocketTicket_WorksOnceAndIsRefusedOnReuseWithAReason()
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        var ticket = (await (await client.PostAsync("/api/chat/ws-ticket", null)).Content.ReadFromJsonAsync<JsonObject>())!["ticket"]!.GetValue<string>();
        var uri = Api.WebSocketUri($"ticket={Uri.EscapeDataString(ticket)}");

        // Act
        await using var first = await ChatSocketClient.ConnectAsync(uri, bearerToken: null);
        await first.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
        var answer = await first.ReceiveUntilTerminalAsync();
        await using var second = await ChatSocketClient.ConnectAsync(uri, bearerToken: null);
        var refused = await second.ReceiveAsync();

        // Assert
        Assert.Equal("done", answer[^1]["type"]!.GetValue<string>());
        Assert.Null(refused);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, second.CloseStatus);
        Assert.Contains("ticket", second.CloseStatusDescription);
        Assert.DoesNotContain(ticket, second.CloseStatusDescription);
    }

    [Fact]
    public async Task WebSocket_WithoutCredentials_IsClosedWithPolicyViolationSayingWhy()
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), bearerToken: null);

        // Act
        var message = await socket.ReceiveAsync();

        // Assert
        Assert.Null(message);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Contains("bearer token", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task WebSocketTicket_NeverAppearsInTheLogs()
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        var ticket = (await (await client.PostAsync("/api/chat/ws-ticket", null)).Content.ReadFromJsonAsync<JsonObject>())!["ticket"]!.GetValue<string>();

        // Act
        await using (var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri($"ticket={ticket}"), bearerToken: null))
        {
            await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
            await socket.ReceiveUntilTerminalAsync();
        }

        // Assert
        Assert.NotEmpty(Api.Logs.Lines);
        Assert.DoesNotContain(Api.Logs.Lines, line => line.Contains(ticket, StringComparison.Ordinal));
    }
}
