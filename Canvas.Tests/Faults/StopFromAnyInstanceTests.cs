using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Faults;

/// <summary>
/// Stop, sent to any instance (the one running the answer or another) over HTTP or on a WebSocket, aborts the upstream
/// call and ends the answer with <c>cancelled</c>, leaving nothing orphaned: the snapshot on every instance says
/// cancelled, the stored message is the text the client got, and the conversation takes the next message.
/// </summary>
public sealed class StopFromAnyInstanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly FakeResponse PacedAnswer = FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { ChunkDelay = TimeSpan.FromMilliseconds(200) };

    private RedisServerProcess _redis = null!;
    private ChatEnvironment _environment = null!;
    private ChatApiHost _runner = null!;
    private ChatApiHost _other = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _environment = await ChatEnvironment.StartAsync(_redis.Endpoint);
        _runner = _environment.StartInstance();
        _other = _environment.StartInstance();
    }

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData("runner", "http")]
    [InlineData("other", "http")]
    [InlineData("runner", "websocket")]
    [InlineData("other", "websocket")]
    public async Task Stop_FromAnyInstance_AbortsTheUpstreamCall_AndLeavesNoOrphan(string stopper, string how)
    {
        // Arrange
        _environment.OpenAI.Enqueue(PacedAnswer);
        var upstreamCalls = _environment.OpenAI.Requests.Count;
        await using var socket = await ChatSocketClient.ConnectAsync(_runner.WebSocketUri(), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "Count from 1 to 5" });
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent)
        {
            seen.Add(ChatDriver.ToEvent((await socket.ReceiveAsync())!));
        }

        var generationId = seen[0].GenerationId;
        var stoppingInstance = stopper == "runner" ? _runner : _other;

        // Act
        if (how == "http")
        {
            using var stop = await stoppingInstance.ClientFor("alice").PostAsync($"/api/generations/{generationId}/cancel", null);
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }
        else
        {
            await using var stopSocket = await ChatSocketClient.ConnectAsync(stoppingInstance.WebSocketUri(), TestTokens.For("alice"));
            await stopSocket.SendAsync(new { type = "cancel", generationId });
            // The cancel has no reply; a resume on the same socket after it shows it was handled, in order.
            await stopSocket.SendAsync(new { type = "resume", generationId, afterSeq = seen[^1].Seq });
            await stopSocket.ReceiveUntilTerminalAsync().WaitAsync(Bound);
        }

        seen.AddRange((await socket.ReceiveUntilTerminalAsync().WaitAsync(Bound)).Select(ChatDriver.ToEvent));

        // Assert
        ChatDriver.AssertWellFormed(seen);
        Assert.Equal(FinishReasons.Cancelled, Assert.IsType<DoneEvent>(seen[^1]).FinishReason);
        await _environment.OpenAI.Requests[upstreamCalls].Aborted.WaitAsync(Bound);
        foreach (var instance in new[] { _runner, _other })
        {
            var snapshot = await instance.ClientFor("alice").GetFromJsonAsync<GenerationSnapshot>($"/api/generations/{generationId}", JsonSerializerOptions.Web);
            Assert.Equal("cancelled", snapshot!.Status);
            Assert.Equal(ChatDriver.TextOf(seen), snapshot.Text);
        }

        var conversationId = ((MetaEvent)seen[0]).ConversationId;
        using var client = _other.ClientFor("alice");
        Assert.Equal(ChatDriver.TextOf(seen), (await ConversationAssertions.GetAsync(client, conversationId)).Messages[^1].Text);
        ChatDriver.AssertWellFormed(await ChatDriver.AskOverSseAsync(client, "gpt", "And again", conversationId));
    }
}
