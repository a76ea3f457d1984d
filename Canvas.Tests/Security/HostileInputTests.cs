using System.Net;
using System.Net.WebSockets;
using System.Text;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Security;

/// <summary>
/// Security matrix, hostile input: oversized bodies are 413, oversized WebSocket messages close the socket with
/// 1009 and the limit as the reason; malformed JSON and binary frames get an error, and the same socket then
/// answers normally, so nothing crashed. A text frame that is not UTF-8 must fail the connection (RFC 6455 §8.1,
/// enforced by ASP.NET Core's WebSocket): it closes with 1007, and the answers the socket carried go on and resume
/// on a new one. (<see cref="BadInputTests"/> covers the validation errors.)
/// </summary>
public sealed class HostileInputTests : ChatApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Limits:MaxRequestBodyBytes"] = "2048",
        ["Canvas:Limits:MaxWebSocketMessageBytes"] = "4096",
    };

    /// <summary>Frames no client should send, each with the error code it gets.</summary>
    public static TheoryData<string, string> BadFrames => new()
    {
        { "malformed json", ErrorCodes.InvalidJson },
        { "json of the wrong shape", ErrorCodes.InvalidJson },
        { "binary", ErrorCodes.BadRequest },
        { "empty", ErrorCodes.InvalidJson },
    };

    [Theory]
    [InlineData("/api/chat/sse")]
    [InlineData("/api/chat")]
    public async Task Start_BodyOverTheLimit_Is413RequestTooLarge(string path)
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        using var body = new StringContent($$"""{"agentId":"gpt","message":"{{new string('x', 4096)}}"}""", Encoding.UTF8, "application/json");

        // Act
        using var response = await client.PostAsync(path, body);

        // Assert
        await BadInputTests.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.RequestTooLarge);
        Assert.Empty(Environment.OpenAI.Requests);
    }

    [Theory]
    [InlineData("/api/chat/sse")]
    [InlineData("/api/chat")]
    public async Task Start_InvalidUtf8Body_IsInvalidJson(string path)
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        using var body = new ByteArrayContent([.. "{\"agentId\":\"gpt\",\"message\":\"a"u8, 0xC3, 0x28, .. "\"}"u8]);
        body.Headers.ContentType = new("application/json");

        // Act
        using var response = await client.PostAsync(path, body);

        // Assert
        await BadInputTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidJson);
    }

    [Fact]
    public async Task WebSocket_MessageOverTheLimit_IsClosedWithMessageTooBigAndTheLimit()
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendTextAsync(new string(' ', 5000));
        var reply = await socket.ReceiveAsync();

        // Assert
        Assert.Null(reply);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
        Assert.Contains("4096 bytes", socket.CloseStatusDescription);
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task WebSocket_BadFrame_GetsAnError_AndTheSocketThenAnswers(string frame, string code)
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await (frame switch
        {
            "malformed json" => socket.SendTextAsync("{\"type\":\"start\","),
            "json of the wrong shape" => socket.SendTextAsync("[1, 2, 3]"),
            "binary" => socket.SendBinaryAsync([0x7B, 0x00, 0xFF]),
            "empty" => socket.SendTextAsync(""),
            _ => throw new ArgumentOutOfRangeException(nameof(frame), frame, null),
        });
        var error = await socket.ReceiveAsync();
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "Count from 1 to 5" });
        var answer = await socket.ReceiveUntilTerminalAsync();

        // Assert
        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal("done", answer[^1]["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("invalid bytes")]
    [InlineData("json with invalid bytes in a string")]
    public async Task WebSocket_TextFrameThatIsNotUtf8_ClosesWithInvalidPayloadData_AndTheAnswerItCarriedGoesOn(string frame)
    {
        // Arrange: an answer under way on the socket.
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "Count from 1 to 5" });
        var generationId = (await socket.ReceiveAsync())!["generationId"]!.GetValue<string>();

        // Act
        await socket.SendTextFrameAsync(frame == "invalid bytes"
            ? [0xC3, 0x28, 0xA0, 0xA1]
            : [.. "{\"type\":\"start\",\"message\":\""u8, 0xFF, 0xFE, .. "\"}"u8]);
        while (await socket.ReceiveAsync() is not null)
        {
        }

        await using var again = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));
        await again.SendAsync(new { type = "resume", generationId, afterSeq = 0 });
        var rest = await again.ReceiveUntilTerminalAsync();

        // Assert
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        Assert.Equal("done", rest[^1]["type"]!.GetValue<string>());
        Assert.Equal(1, rest[0]["seq"]!.GetValue<long>());
    }
}
