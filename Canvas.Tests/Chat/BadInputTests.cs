using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>Bad input gets a clear error with a code, and nothing already accepted is lost.</summary>
public sealed class BadInputTests : ChatApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Limits:MaxMessageChars"] = "100",
        ["Canvas:Limits:MaxRequestBodyBytes"] = "2048",
        ["Canvas:Limits:MaxWebSocketMessageBytes"] = "4096",
    };

    [Theory]
    [InlineData("/api/chat/sse")]
    [InlineData("/api/chat")]
    public async Task Start_MalformedJson_IsProblemDetailsWithInvalidJson(string path)
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        using var response = await client.PostAsync(path, new StringContent("{\"agentId\": \"gpt\", ", Encoding.UTF8, "application/json"));

        // Assert
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidJson);
    }

    [Theory]
    [InlineData("nobody", "hello", ErrorCodes.UnknownAgent)]
    [InlineData("gpt", "   ", ErrorCodes.MessageEmpty)]
    [InlineData(null, "hello", ErrorCodes.BadRequest)]
    public async Task StartSse_InvalidRequest_IsProblemDetailsWithItsCode(string? agentId, string message, string code)
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId, message });

        // Assert
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task StartSse_MessageOverTheLimit_IsMessageTooLong()
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = new string('x', 101) });

        // Assert
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.MessageTooLong);
        Assert.Contains("100", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartSse_BodyOverTheSizeLimit_IsRequestTooLarge()
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = new string('x', 4000) });

        // Assert
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.RequestTooLarge);
    }

    [Fact]
    public async Task StartSse_UnknownConversation_IsNotFoundAndStartsNothing()
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        var requestsBefore = Environment.OpenAI.Requests.Count;

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", conversationId = "c_doesnotexist", message = "hi" });

        // Assert
        await AssertProblemAsync(response, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(requestsBefore, Environment.OpenAI.Requests.Count);
    }

    [Fact]
    public async Task WebSocketStart_ForAnOllamaAgent_IsRefusedWithTransportNotSupported()
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendAsync(new { type = "start", requestId = "r7", agentId = "local", message = "hi" });
        var reply = await socket.ReceiveAsync();

        // Assert
        Assert.Equal("error", reply!["type"]!.GetValue<string>());
        Assert.Equal("r7", reply["requestId"]!.GetValue<string>());
        Assert.Equal(ErrorCodes.TransportNotSupported, reply["code"]!.GetValue<string>());
        Assert.Contains("sse", reply["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebSocket_BadFrames_GetErrorsAndTheSocketStaysOpenForTheNextAnswer()
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendTextAsync("this is not json");
        var notJson = await socket.ReceiveAsync();
        await socket.SendBinaryAsync([1, 2, 3]);
        var binary = await socket.ReceiveAsync();
        await socket.SendAsync(new { type = "dance" });
        var unknownType = await socket.ReceiveAsync();
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "Count from 1 to 5" });
        var answer = await socket.ReceiveUntilTerminalAsync();

        // Assert
        Assert.Equal(ErrorCodes.InvalidJson, notJson!["code"]!.GetValue<string>());
        Assert.Equal(ErrorCodes.BadRequest, binary!["code"]!.GetValue<string>());
        Assert.Equal(ErrorCodes.BadRequest, unknownType!["code"]!.GetValue<string>());
        Assert.Equal("r1", answer[0]["requestId"]!.GetValue<string>());
        Assert.Equal("done", answer[^1]["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebSocket_MessageOverTheSizeLimit_ClosesWithMessageTooBig()
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = new string('x', 8000) });
        var reply = await socket.ReceiveAsync();

        // Assert
        Assert.Null(reply);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocketEndpoint_PlainHttpRequest_IsProblemDetails()
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        using var response = await client.GetAsync("/api/chat/ws");

        // Assert
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.BadRequest);
    }

    internal static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        return problem;
    }
}
