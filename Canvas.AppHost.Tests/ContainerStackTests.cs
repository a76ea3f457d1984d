using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Canvas.AppHost.Tests.Infrastructure;

namespace Canvas.AppHost.Tests;

/// <summary>
/// Chats through WebFrontend on every tier with the stack the AppHost starts with containers (real Redis, real Ollama
/// and its pulled model), exactly as a user would after
/// <c>dotnet run --project Canvas.AppHost</c> with no API keys (only the Ollama agent exists), and as the browser
/// does: the identity cookie from the page load on every call, the page's origin on the WebSocket.
/// </summary>
public sealed class ContainerStackTests(CanvasStack stack) : IClassFixture<CanvasStack>
{
    // A small model on a CPU answers a one-word prompt in seconds; the margin covers a cold model load.
    private static readonly TimeSpan ChatTimeout = TimeSpan.FromMinutes(3);

    private const string Prompt = "Reply with the single word: pong";

    [RequiresContainerRuntimeFact]
    public async Task Agents_WithoutApiKeys_ListTheOllamaAgentWithSseThenRest()
    {
        // Arrange
        using var cts = new CancellationTokenSource(ChatTimeout);
        using var browser = await stack.OpenBrowserAsync(ChatTimeout, cts.Token);

        // Act
        var agent = await OllamaAgentAsync(browser.Http, cts.Token);

        // Assert
        Assert.Equal(new[] { "sse", "rest" }, agent.GetProperty("transports").EnumerateArray().Select(tier => tier.GetString()!));
    }

    [RequiresContainerRuntimeFact]
    public async Task ChatSse_ThroughWebFrontend_StreamsMetaDeltasAndDone()
    {
        // Arrange
        using var cts = new CancellationTokenSource(ChatTimeout);
        using var browser = await stack.OpenBrowserAsync(ChatTimeout, cts.Token);
        var agentId = (await OllamaAgentAsync(browser.Http, cts.Token)).GetProperty("id").GetString();

        // Act
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId, conversationId = (string?)null, message = Prompt }),
        };
        using var response = await browser.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token)
            .WaitAsync(ChatTimeout, cts.Token);
        var stream = await response.Content.ReadAsStringAsync(cts.Token).WaitAsync(ChatTimeout, cts.Token);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("event: meta", stream);
        Assert.Contains("\"transport\":\"sse\"", stream);
        Assert.Contains("event: delta", stream);
        Assert.Contains("event: done", stream);
    }

    [RequiresContainerRuntimeFact]
    public async Task ChatRest_ThroughWebFrontend_ReturnsTheWholeAnswer()
    {
        // Arrange
        using var cts = new CancellationTokenSource(ChatTimeout);
        using var browser = await stack.OpenBrowserAsync(ChatTimeout, cts.Token);
        var agentId = (await OllamaAgentAsync(browser.Http, cts.Token)).GetProperty("id").GetString();

        // Act
        using var response = await browser.Http.PostAsJsonAsync("/api/chat", new { agentId, conversationId = (string?)null, message = Prompt }, cts.Token)
            .WaitAsync(ChatTimeout, cts.Token);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token).WaitAsync(ChatTimeout, cts.Token));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(answer.RootElement.GetProperty("text").GetString()));
        Assert.Matches("^(stop|length)$", answer.RootElement.GetProperty("finishReason").GetString());
    }

    [RequiresContainerRuntimeFact]
    public async Task ChatWebSocket_ForTheOllamaAgent_IsRefusedWithTransportNotSupported()
    {
        // Arrange
        using var cts = new CancellationTokenSource(ChatTimeout);
        using var browser = await stack.OpenBrowserAsync(ChatTimeout, cts.Token);
        var agentId = (await OllamaAgentAsync(browser.Http, cts.Token)).GetProperty("id").GetString();
        using var socket = await browser.ConnectChatSocketAsync(ChatTimeout, cts.Token);

        // Act
        var start = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "start", requestId = "r1", agentId, conversationId = (string?)null, message = Prompt, fallbackFrom = (string?)null,
        });
        await socket.SendAsync(new ArraySegment<byte>(start), WebSocketMessageType.Text, endOfMessage: true, cts.Token).WaitAsync(ChatTimeout, cts.Token);
        using var reply = JsonDocument.Parse(await ReceiveTextAsync(socket, cts.Token));

        // Assert
        Assert.Equal("error", reply.RootElement.GetProperty("type").GetString());
        Assert.Equal("r1", reply.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("transport_not_supported", reply.RootElement.GetProperty("code").GetString());
    }

    private static async Task<JsonElement> OllamaAgentAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/api/agents", cancellationToken).WaitAsync(ChatTimeout, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var agents = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).WaitAsync(ChatTimeout, cancellationToken));

        return Assert.Single(agents.RootElement.EnumerateArray(), agent => agent.GetProperty("provider").GetString() == "ollama").Clone();
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult frame;
        do
        {
            frame = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), cancellationToken).WaitAsync(ChatTimeout, cancellationToken);
            message.Write(buffer, 0, frame.Count);
        }
        while (!frame.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, frame.MessageType);
        return Encoding.UTF8.GetString(message.ToArray());
    }
}
