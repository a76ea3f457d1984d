using System.Net.Http.Json;
using System.Net.WebSockets;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Faults;

/// <summary>
/// Redis stops answering an instance's reads and does not come back (for that instance: a Cluster node its client no
/// longer reconnects to looks the same). A stream open on it reads on through the failures for
/// <c>Canvas:Limits:StorageOutageTimeout</c>, then is cut off, so its client resumes from its last seq elsewhere
/// instead of waiting on that instance for good. The waits only guard against a hang.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly FakeResponse PacedAnswer = FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { ChunkDelay = TimeSpan.FromMilliseconds(300) };

    // The follower gives up after a second of failed reads, each failing within a second of Redis going away.
    private static readonly Dictionary<string, string?> ShortOutage = new()
    {
        ["Canvas:Limits:StorageOutageTimeout"] = "00:00:01",
        ["Aspire:StackExchange:Redis:ConfigurationOptions:AsyncTimeout"] = "1000",
    };

    private RedisServerProcess _redis = null!;
    private ChatEnvironment _environment = null!;
    private ChatApiHost _runner = null!;
    private ChatApiHost _follower = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _environment = await ChatEnvironment.StartAsync(_redis.Endpoint);
        _runner = _environment.StartInstance();
        _follower = _environment.StartInstance(ShortOutage);
    }

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RedisGoneFromUnderAFollowersSseStream_TheStreamIsCutOffAfterTheOutageTimeout_NotLeftOpen()
    {
        // Arrange: an answer running on one instance, followed over SSE on the other.
        var generationId = await StartAnswerAsync();
        using var follower = _follower.ClientFor("alice");
        using var followed = await follower.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/generations/{generationId}/events"), HttpCompletionOption.ResponseHeadersRead);
        followed.EnsureSuccessStatusCode();
        await using var events = SseReader.ReadEventsAsync(followed).GetAsyncEnumerator();
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent && await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        // Act
        await _redis.StopAsync();
        var cutOff = await ReadUntilCutOffAsync(events, seen).WaitAsync(Bound);

        // Assert
        Assert.True(cutOff, "The stream ended without being cut off.");
        Assert.False(seen[^1].IsTerminal, $"The answer ended ({seen[^1].Type}) before Redis went away; nothing was tested.");
        Assert.Equal(Enumerable.Range(0, seen.Count).Select(i => (long)i), seen.Select(e => e.Seq));
    }

    [Fact]
    public async Task RedisGoneFromUnderAFollowersWebSocket_TheSocketIsCutOffAfterTheOutageTimeout_NotLeftOpen()
    {
        // Arrange: an answer running on one instance, resumed over a WebSocket on the other.
        var generationId = await StartAnswerAsync();
        await using var socket = await ChatSocketClient.ConnectAsync(_follower.WebSocketUri(), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "resume", generationId, afterSeq = -1 });
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent)
        {
            seen.Add(ChatDriver.ToEvent((await socket.ReceiveAsync())!));
        }

        // Act: a socket left open would make ReceiveAsync give up after 20 s with a TimeoutException, failing the test.
        await _redis.StopAsync();
        var cutOff = false;
        try
        {
            while (await socket.ReceiveAsync() is { } message && !seen.Last().IsTerminal)
            {
                seen.Add(ChatDriver.ToEvent(message));
            }
        }
        catch (WebSocketException)
        {
            cutOff = true;
        }

        // Assert
        Assert.True(cutOff, "The socket was closed or the answer ended instead of the socket being cut off.");
        Assert.False(seen[^1].IsTerminal, $"The answer ended ({seen[^1].Type}) before Redis went away; nothing was tested.");
        Assert.Equal(Enumerable.Range(0, seen.Count).Select(i => (long)i), seen.Select(e => e.Seq));
    }

    private async Task<string> StartAnswerAsync()
    {
        _environment.OpenAI.Enqueue(PacedAnswer);
        using var client = _runner.ClientFor("alice");
        using var started = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }),
        }, HttpCompletionOption.ResponseHeadersRead);
        started.EnsureSuccessStatusCode();
        await using var events = SseReader.ReadEventsAsync(started).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        return events.Current.GenerationId;
    }

    private static async Task<bool> ReadUntilCutOffAsync(IAsyncEnumerator<GenerationEvent> events, List<GenerationEvent> seen)
    {
        try
        {
            while (await events.MoveNextAsync())
            {
                seen.Add(events.Current);
            }

            return false;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return true;
        }
    }
}
