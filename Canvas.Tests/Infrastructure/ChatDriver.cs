using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Infrastructure;

/// <summary>Drives one answer over a tier the way a client does, and returns the events it received.</summary>
public static class ChatDriver
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<List<GenerationEvent>> AskOverSseAsync(HttpClient client, string agentId, string message,
        string? conversationId = null, string? fallbackFrom = null, string? idempotencyKey = null, string? editMessageId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId, conversationId, message, editMessageId }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, idempotencyKey);
        }

        if (fallbackFrom is not null)
        {
            request.Headers.Add(ChatApi.Apis.ChatApi.FallbackHeader, fallbackFrom);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await ReadAllAsync(SseReader.ReadEventsAsync(response));
    }

    public static async Task<List<GenerationEvent>> AskOverWebSocketAsync(ChatApiHost host, string userId, string agentId,
        string message, string? conversationId = null, string? fallbackFrom = null, string? editMessageId = null)
    {
        await using var socket = await ChatSocketClient.ConnectAsync(host.WebSocketUri(), TestTokens.For(userId));
        return await AskOverWebSocketAsync(socket, agentId, message, conversationId, fallbackFrom, editMessageId);
    }

    /// <summary>Starts one answer on an open socket and receives it up to its terminal event.</summary>
    public static async Task<List<GenerationEvent>> AskOverWebSocketAsync(ChatSocketClient socket, string agentId, string message,
        string? conversationId = null, string? fallbackFrom = null, string? editMessageId = null)
    {
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId, conversationId, message, fallbackFrom, editMessageId });
        var messages = await socket.ReceiveUntilTerminalAsync().WaitAsync(Bound);
        return messages.Select(ToEvent).ToList();
    }

    public static async Task<(ChatRestResponse? Answer, JsonObject? Problem)> AskOverRestAsync(HttpClient client, string agentId,
        string message, string? conversationId = null, string? fallbackFrom = null, string? editMessageId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat")
        {
            Content = JsonContent.Create(new { agentId, conversationId, message, editMessageId }),
        };
        if (fallbackFrom is not null)
        {
            request.Headers.Add(ChatApi.Apis.ChatApi.FallbackHeader, fallbackFrom);
        }

        using var response = await client.SendAsync(request);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<ChatRestResponse>(JsonSerializerOptions.Web), null)
            : (null, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public static async Task<List<GenerationEvent>> ReplayAsync(HttpClient client, string generationId, long? after = null,
        string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/generations/{generationId}/events{(after is null ? "" : $"?after={after}")}");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await ReadAllAsync(SseReader.ReadEventsAsync(response));
    }

    public static GenerationEvent ToEvent(JsonObject message) =>
        JsonSerializer.Deserialize(message.ToJsonString(), CanvasJsonContext.Default.GenerationEvent)!;

    public static string TextOf(IEnumerable<GenerationEvent> events) =>
        string.Concat(events.OfType<DeltaEvent>().Select(delta => delta.Text));

    /// <summary>Asserts the shape every generation's log has: meta at 0, gap-free seq, one terminal event last.</summary>
    public static void AssertWellFormed(IReadOnlyList<GenerationEvent> events)
    {
        Assert.IsType<MetaEvent>(events[0]);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.True(events[^1].IsTerminal, $"The last event is {events[^1].Type}, not done or error.");
        Assert.Single(events, e => e.IsTerminal);
    }

    public static async Task<List<GenerationEvent>> ReadAllAsync(IAsyncEnumerable<GenerationEvent> events)
    {
        var list = new List<GenerationEvent>();
        using var timeout = new CancellationTokenSource(Bound);
        await foreach (var generationEvent in events.WithCancellation(timeout.Token))
        {
            list.Add(generationEvent);
        }

        return list;
    }
}
