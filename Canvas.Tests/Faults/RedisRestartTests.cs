using System.Net;
using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Faults;

/// <summary>
/// Redis restarts (saves, stops, starts again on its port) while an answer streams. The instances stay up and say
/// so on <c>/health</c> (unhealthy while Redis is away, healthy once it is back); the client's answer ends, complete
/// or with a typed retryable error, never silently; and once Redis is back, replay on any instance gives exactly
/// what the client has. The waits only guard against a hang.
/// </summary>
public sealed class RedisRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly FakeResponse PacedAnswer = FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { ChunkDelay = TimeSpan.FromMilliseconds(150) };

    private RedisServerProcess _redis = null!;
    private ChatEnvironment _environment = null!;
    private ChatApiHost _a = null!;
    private ChatApiHost _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _environment = await ChatEnvironment.StartAsync(_redis.Endpoint);
        _a = _environment.StartInstance();
        _b = _environment.StartInstance();
    }

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RedisRestartMidAnswer_TheAnswerEndsCompleteOrTyped_HealthFollowsRedis_AndReplayWorksAfter()
    {
        // Arrange
        _environment.OpenAI.Enqueue(PacedAnswer);
        using var onA = _a.ClientFor("alice");
        using var onB = _b.ClientFor("alice");
        using var started = await onA.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }),
        }, HttpCompletionOption.ResponseHeadersRead);
        started.EnsureSuccessStatusCode();
        var events = SseReader.ReadEventsAsync(started).GetAsyncEnumerator();
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent && await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        var reading = ReadRestAsync(events, seen);

        // Act
        await _redis.StopAsync();
        var healthWhileDown = await HealthOnceAsync(onA, HttpStatusCode.ServiceUnavailable);
        await _redis.StartAgainAsync();
        var healthAfter = await HealthOnceAsync(onA, HttpStatusCode.OK);
        await reading.WaitAsync(Bound);
        if (!seen[^1].IsTerminal)
        {
            // The stream broke with the connection to Redis: the client resumes, here on the other instance.
            seen.AddRange(await ChatDriver.ReplayAsync(onB, seen[0].GenerationId, after: seen[^1].Seq));
        }

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthWhileDown);
        Assert.Equal(HttpStatusCode.OK, healthAfter);
        ChatDriver.AssertWellFormed(seen);
        var recorded = FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text;
        if (seen[^1] is ErrorEvent error)
        {
            Assert.True(error.Retryable, $"{error.Code}: {error.Message}");
            Assert.StartsWith(ChatDriver.TextOf(seen), recorded, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(recorded, ChatDriver.TextOf(seen));
        }

        Assert.Equal(seen, await ChatDriver.ReplayAsync(onB, seen[0].GenerationId));
        Assert.Equal(seen, await ChatDriver.ReplayAsync(onA, seen[0].GenerationId));
        ChatDriver.AssertWellFormed(await ChatDriver.AskOverSseAsync(onA, "gpt", "Count from 1 to 5"));
        ChatDriver.AssertWellFormed(await ChatDriver.AskOverSseAsync(onB, "claude", "Count from 1 to 5"));
    }

    [Fact]
    public async Task RedisAwayLongerThanTheRunnerWaitsForIt_TheAnswerStillEnds_NoReaderIsLeftWaiting()
    {
        // Arrange: an answer under way on A, its client gone.
        _environment.OpenAI.Enqueue(PacedAnswer);
        using var onA = _a.ClientFor("alice");
        using var onB = _b.ClientFor("alice");
        string generationId;
        using (var started = await onA.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }),
        }, HttpCompletionOption.ResponseHeadersRead))
        {
            started.EnsureSuccessStatusCode();
            await using var events = SseReader.ReadEventsAsync(started).GetAsyncEnumerator();
            while (await events.MoveNextAsync() && events.Current is not DeltaEvent)
            {
            }

            generationId = events.Current.GenerationId;
        }

        // Act: away longer than two Redis commands wait for a connection (5 s each), so both the runner's append and
        // its first attempt to end the answer fail; its replica stays alive, so nobody else would end it.
        await _redis.RestartAsync(TimeSpan.FromSeconds(12));
        var replayed = await ChatDriver.ReplayAsync(onB, generationId).WaitAsync(Bound);

        // Assert
        ChatDriver.AssertWellFormed(replayed);
        if (replayed[^1] is ErrorEvent error)
        {
            Assert.Equal(ErrorCodes.GenerationLost, error.Code);
            Assert.True(error.Retryable);
        }
    }

    [Fact]
    public async Task RedisRestartMidAnswer_AWebSocketClientIsNeverLeftWaiting_ItGetsTheEndOrAClosedSocketToResumeFrom()
    {
        // Arrange
        _environment.OpenAI.Enqueue(PacedAnswer);
        var seen = new List<GenerationEvent>();
        var socket = await ChatSocketClient.ConnectAsync(_a.WebSocketUri(), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "Count from 1 to 5" });
        while (seen.LastOrDefault() is not DeltaEvent)
        {
            seen.Add(ChatDriver.ToEvent((await socket.ReceiveAsync())!));
        }

        // Act: down longer than a Redis command waits for a connection (5 s), so the instance's reads fail.
        await _redis.RestartAsync(TimeSpan.FromSeconds(6));
        try
        {
            // A socket whose stream died with Redis and that neither ends nor closes leaves the client waiting forever;
            // ReceiveAsync gives up after 20 s with a TimeoutException, which fails the test.
            while (await socket.ReceiveAsync() is { } message)
            {
                seen.Add(ChatDriver.ToEvent(message));
                if (seen[^1].IsTerminal)
                {
                    break;
                }
            }
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // Closed under the client: it resumes.
        }
        finally
        {
            await socket.DisposeAsync();
        }

        if (!seen[^1].IsTerminal)
        {
            await using var resumed = await ChatSocketClient.ConnectAsync(_b.WebSocketUri(), TestTokens.For("alice"));
            await resumed.SendAsync(new { type = "resume", generationId = seen[0].GenerationId, afterSeq = seen[^1].Seq });
            seen.AddRange((await resumed.ReceiveUntilTerminalAsync()).Select(ChatDriver.ToEvent));
        }

        // Assert
        ChatDriver.AssertWellFormed(seen);
        // Only the socket that started the answer sees the start's requestId on meta.
        Assert.Equal([((MetaEvent)seen[0]) with { RequestId = null }, .. seen.Skip(1)], await ChatDriver.ReplayAsync(_b.ClientFor("alice"), seen[0].GenerationId));
    }

    private static async Task ReadRestAsync(IAsyncEnumerator<GenerationEvent> events, List<GenerationEvent> seen)
    {
        try
        {
            while (await events.MoveNextAsync())
            {
                seen.Add(events.Current);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            // The instance ended the stream when its Redis commands failed; the client resumes.
        }
    }

    private static async Task<HttpStatusCode> HealthOnceAsync(HttpClient client, HttpStatusCode wanted)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            using var response = await client.GetAsync("/health", bound.Token);
            if (response.StatusCode == wanted || bound.IsCancellationRequested)
            {
                return response.StatusCode;
            }

            await Task.Delay(100, bound.Token);
        }
    }
}
