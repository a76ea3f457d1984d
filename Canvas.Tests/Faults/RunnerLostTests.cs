using System.Net.Http.Json;
using System.Text.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Sdk;

namespace Canvas.Tests.Faults;

/// <summary>
/// The instance running a generation dies (SIGKILL: no shutdown, no last heartbeat, no terminal event). Within the
/// owner timeout plus one heartbeat interval (here 3 s + 0.5 s; by default 10 s + 2 s) every subscriber, on any
/// instance and tier, gets one retryable <c>generation_lost</c>, and the status snapshot stops saying <c>running</c>,
/// whether anyone was following or not. The waits below only guard against a hang; they time nothing.
/// </summary>
public sealed class RunnerLostTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OwnerTimeout = TimeSpan.FromSeconds(3);

    // Streams four chunks, then holds the answer open: the runner is mid-answer when it is killed.
    private static readonly FakeResponse StuckMidAnswer = FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { Fault = StreamFault.Stall(4) };

    private RedisServerProcess _redis = null!;
    private FakeOllamaServer _ollama = null!;
    private FakeOpenAIServer _openAI = null!;
    private FakeAnthropicServer _anthropic = null!;
    private ChatApiProcess _runner = null!;
    private ChatApiProcess _other = null!;
    private readonly HttpClient _http = new() { Timeout = Bound };

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        (_ollama, _openAI, _anthropic) = (await FakeOllamaServer.StartAsync(), await FakeOpenAIServer.StartAsync(), await FakeAnthropicServer.StartAsync());
        var settings = ChatApiProcessSettings.For(_redis.Endpoint, _ollama, _openAI, _anthropic, TimeSpan.FromMilliseconds(500), OwnerTimeout);
        var instances = await Task.WhenAll(ChatApiProcess.StartAsync("runner", settings), ChatApiProcess.StartAsync("other", settings));
        (_runner, _other) = (instances[0], instances[1]);
        _http.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("alice"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _runner.DisposeAsync();
        await _other.DisposeAsync();
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _ollama.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RunnerKilled_EverySubscriberOnEveryTier_GetsRetryableGenerationLost_AndTheSnapshotSaysError()
    {
        // Arrange
        _openAI.Enqueue(StuckMidAnswer);
        using var started = await StartSseAsync(_runner);
        var onRunner = SseReader.ReadEventsAsync(started).GetAsyncEnumerator();
        var seenOnRunner = await ReadUntilFirstDeltaAsync(onRunner);
        var generationId = seenOnRunner[0].GenerationId;
        var sseOnOther = ReplayAsync(_other, generationId, after: -1);
        await using var socket = await ChatSocketClient.ConnectAsync(WebSocketUri(_other), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "resume", generationId, afterSeq = 0 });
        var webSocketOnOther = socket.ReceiveUntilTerminalAsync();

        // Act
        await _runner.KillAsync();
        var clientOfTheRunner = await ResumeAfterDropAsync(onRunner, seenOnRunner, generationId);

        // Assert
        await ExplainedAsync(async () =>
        {
            AssertLost(await sseOnOther.WaitAsync(Bound));
            AssertLost((await webSocketOnOther.WaitAsync(Bound)).Select(ChatDriver.ToEvent).ToList());
            ChatDriver.AssertWellFormed(clientOfTheRunner);
            AssertLost(clientOfTheRunner);
            var snapshot = await _http.GetFromJsonAsync<GenerationSnapshot>(new Uri(_other.Address, $"/api/generations/{generationId}"), JsonSerializerOptions.Web);
            Assert.Equal("error", snapshot!.Status);
            Assert.Equal(ErrorCodes.GenerationLost, snapshot.Error?.Code);
        });
    }

    [Fact]
    public async Task RunnerKilled_WithNobodyFollowing_TheSnapshotStopsSayingRunning()
    {
        // Arrange
        _openAI.Enqueue(StuckMidAnswer);
        string generationId;
        using (var started = await StartSseAsync(_runner))
        {
            generationId = (await ReadUntilFirstDeltaAsync(SseReader.ReadEventsAsync(started).GetAsyncEnumerator()))[0].GenerationId;
        }

        // Act
        await _runner.KillAsync();
        var snapshot = await SnapshotOnceNotRunningAsync(generationId);

        // Assert
        Assert.Equal("error", snapshot.Status);
        Assert.Equal(ErrorCodes.GenerationLost, snapshot.Error?.Code);
        Assert.True(snapshot.Error!.Retryable);
        var replay = await ReplayAsync(_other, generationId, after: -1);
        ChatDriver.AssertWellFormed(replay);
        AssertLost(replay);
    }

    private static void AssertLost(IReadOnlyList<GenerationEvent> events)
    {
        var lost = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal(ErrorCodes.GenerationLost, lost.Code);
        Assert.True(lost.Retryable);
        Assert.Single(events, generationEvent => generationEvent.IsTerminal);
    }

    private async Task<HttpResponseMessage> StartSseAsync(ChatApiProcess instance)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instance.Address, "/api/chat/sse"))
        {
            Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }),
        };
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private static async Task<List<GenerationEvent>> ReadUntilFirstDeltaAsync(IAsyncEnumerator<GenerationEvent> events)
    {
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent && await events.MoveNextAsync().AsTask().WaitAsync(Bound))
        {
            seen.Add(events.Current);
        }

        return seen;
    }

    // The runner's own client loses its connection with the process; it resumes on the other instance.
    private async Task<List<GenerationEvent>> ResumeAfterDropAsync(IAsyncEnumerator<GenerationEvent> events, List<GenerationEvent> seen, string generationId)
    {
        try
        {
            while (await events.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
                seen.Add(events.Current);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            // The connection died with the instance.
        }

        return [.. seen, .. await ReplayAsync(_other, generationId, after: seen[^1].Seq)];
    }

    private async Task<List<GenerationEvent>> ReplayAsync(ChatApiProcess instance, string generationId, long after)
    {
        using var response = await _http.GetAsync(new Uri(instance.Address, $"/api/generations/{generationId}/events?after={after}"), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var events = new List<GenerationEvent>();
        using var bound = new CancellationTokenSource(Bound);
        await foreach (var generationEvent in SseReader.ReadEventsAsync(response, bound.Token))
        {
            events.Add(generationEvent);
        }

        return events;
    }

    private async Task<GenerationSnapshot> SnapshotOnceNotRunningAsync(string generationId)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            var snapshot = (await _http.GetFromJsonAsync<GenerationSnapshot>(new Uri(_other.Address, $"/api/generations/{generationId}"), JsonSerializerOptions.Web, bound.Token))!;
            if (snapshot.Status != "running")
            {
                return snapshot;
            }

            await Task.Delay(200, bound.Token);
        }
    }

    private static Uri WebSocketUri(ChatApiProcess instance) => new UriBuilder(instance.Address) { Scheme = "ws", Path = "/api/chat/ws" }.Uri;

    private async Task ExplainedAsync(Func<Task> assert)
    {
        try
        {
            await assert();
        }
        catch (Exception exception)
        {
            throw new XunitException($"{exception.Message}{System.Environment.NewLine}--- other:{System.Environment.NewLine}{_other.Output}", exception);
        }
    }
}
