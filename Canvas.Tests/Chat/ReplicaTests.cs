using System.Net.Http.Json;
using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Canvas.Tests.Chat;

/// <summary>The replica contract on one real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class ReplicaTests(RedisServerFixture redis) : ReplicaContractTests(redis.ConnectionString);

/// <summary>
/// Two ChatApi replicas sharing one Redis: a generation started on one is followed, resumed and cancelled on the
/// other, exactly once. Each Redis deployment (one server, a cluster) runs it through a class of its own.
/// </summary>
public abstract class ReplicaContractTests(string redis) : IAsyncLifetime
{
    // Slow enough that a client can be cut, and resume, while the answer is still streaming.
    private static readonly FakeResponse SlowAnswer = FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { ChunkDelay = TimeSpan.FromMilliseconds(60) };

    private ChatEnvironment _environment = null!;
    private ChatApiHost _a = null!;
    private ChatApiHost _b = null!;

    public async Task InitializeAsync()
    {
        _environment = await ChatEnvironment.StartAsync(redis);
        _a = _environment.StartInstance();
        _b = _environment.StartInstance();
    }

    public async Task DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task GenerationStartedOnA_IsFollowedLiveOnB_WithIdenticalEvents()
    {
        // Arrange
        _environment.OpenAI.Enqueue(SlowAnswer);
        using var onA = _a.ClientFor("alice");
        using var onB = _b.ClientFor("alice");
        using var response = await StartSseAsync(onA, "gpt");
        var fromA = SseReader.ReadEventsAsync(response).GetAsyncEnumerator();
        Assert.True(await fromA.MoveNextAsync());
        var meta = (MetaEvent)fromA.Current;

        // Act
        var followedOnB = ChatDriver.ReplayAsync(onB, meta.GenerationId);
        var seenOnA = new List<GenerationEvent> { meta };
        while (await fromA.MoveNextAsync())
        {
            seenOnA.Add(fromA.Current);
        }

        // Assert
        var seenOnB = await followedOnB;
        ChatDriver.AssertWellFormed(seenOnA);
        Assert.Equal(seenOnA, seenOnB);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text, ChatDriver.TextOf(seenOnB));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task SseClientCutAfterK_ResumesOnBWithAfterK_AndGetsExactlyTheRest(int k)
    {
        // Arrange
        _environment.OpenAI.Enqueue(SlowAnswer);
        using var onA = _a.ClientFor("alice");
        using var onB = _b.ClientFor("alice");
        var firstPart = new List<GenerationEvent>();
        using (var response = await StartSseAsync(onA, "gpt"))
        {
            await foreach (var generationEvent in SseReader.ReadEventsAsync(response))
            {
                firstPart.Add(generationEvent);
                if (generationEvent.Seq >= k)
                {
                    break;
                }
            }
        }

        var cut = CutBeforeTheEnd(firstPart);

        // Act
        var rest = await ChatDriver.ReplayAsync(onB, firstPart[0].GenerationId, after: cut);

        // Assert
        Assert.Equal(cut + 1, rest[0].Seq);
        ChatDriver.AssertWellFormed([.. firstPart, .. rest]);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text, ChatDriver.TextOf([.. firstPart, .. rest]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task WebSocketCutAfterK_ResumesOnBOverWebSocket_AndGetsExactlyTheRest(int k)
    {
        // Arrange
        _environment.OpenAI.Enqueue(SlowAnswer);
        var firstPart = new List<GenerationEvent>();
        await using (var socket = await ChatSocketClient.ConnectAsync(_a.WebSocketUri(), TestTokens.For("alice")))
        {
            await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "Count from 1 to 5" });
            while (firstPart.Count == 0 || firstPart[^1].Seq < k && !firstPart[^1].IsTerminal)
            {
                firstPart.Add(ChatDriver.ToEvent((await socket.ReceiveAsync())!));
            }

            socket.Abort();
        }

        var cut = CutBeforeTheEnd(firstPart);

        // Act
        await using var resumed = await ChatSocketClient.ConnectAsync(_b.WebSocketUri(), TestTokens.For("alice"));
        await resumed.SendAsync(new { type = "resume", generationId = firstPart[0].GenerationId, afterSeq = cut });
        var rest = (await resumed.ReceiveUntilTerminalAsync()).Select(ChatDriver.ToEvent).ToList();

        // Assert
        Assert.Equal(cut + 1, rest[0].Seq);
        ChatDriver.AssertWellFormed([.. firstPart, .. rest]);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text, ChatDriver.TextOf([.. firstPart, .. rest]));
    }

    [Fact]
    public async Task SseResume_WithLastEventIdHeader_ContinuesAfterIt()
    {
        // Arrange
        using var onA = _a.ClientFor("alice");
        var whole = await ChatDriver.AskOverSseAsync(onA, "gpt", "Count from 1 to 5");

        // Act
        var rest = await ChatDriver.ReplayAsync(_b.ClientFor("alice"), whole[0].GenerationId, lastEventId: "5");

        // Assert
        Assert.Equal(whole.Skip(6), rest);
    }

    [Fact]
    public async Task FinishedGeneration_ReplaysWholeOnTheOtherReplica()
    {
        // Arrange
        using var onA = _a.ClientFor("alice");
        var whole = await ChatDriver.AskOverSseAsync(onA, "claude", "Count from 1 to 5");

        // Act
        var replay = await ChatDriver.ReplayAsync(_b.ClientFor("alice"), whole[0].GenerationId);
        var snapshot = await _b.ClientFor("alice").GetFromJsonAsync<GenerationSnapshot>($"/api/generations/{whole[0].GenerationId}");

        // Assert
        Assert.Equal(whole, replay);
        Assert.Equal("done", snapshot!.Status);
        Assert.Equal(whole[^1].Seq, snapshot.LastSeq);
        Assert.Equal(ChatDriver.TextOf(whole), snapshot.Text);
    }

    [Fact]
    public async Task RestClientThatGivesUp_LosesNothing_TheAnswerIsReplayableOnB()
    {
        // Arrange
        _environment.OpenAI.Enqueue(SlowAnswer);
        using var impatient = _a.ClientFor("alice");
        var requestsBefore = _environment.OpenAI.Requests.Count;
        using var givingUp = new CancellationTokenSource();
        var asking = impatient.PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "Count from 1 to 5" }, givingUp.Token);
        // The client gives up once the answer is being generated, not after a fixed time a busy machine may not meet.
        while (_environment.OpenAI.Requests.Count == requestsBefore && !asking.IsCompleted)
        {
            await Task.Delay(20);
        }

        await givingUp.CancelAsync();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => asking);
        using var onB = _b.ClientFor("alice");
        var conversation = (await onB.GetFromJsonAsync<List<Canvas.ChatApi.Conversations.ConversationSummary>>("/api/conversations"))![0];
        var generationId = (await ConversationAssertions.GetAsync(onB, conversation.Id)).Messages[0].GenerationId!;

        // Act
        var replay = await ChatDriver.ReplayAsync(onB, generationId);

        // Assert
        ChatDriver.AssertWellFormed(replay);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text, ChatDriver.TextOf(replay));
    }

    [Fact]
    public async Task CancelOnB_StopsTheUpstreamCallOnA_AndEndsWithFinishReasonCancelled()
    {
        // Arrange
        // A paced stream, not a stall: the fake notices a client that left only when it next writes.
        _environment.OpenAI.Enqueue(FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { ChunkDelay = TimeSpan.FromMilliseconds(250) });
        var requestsBefore = _environment.OpenAI.Requests.Count;
        using var onA = _a.ClientFor("alice");
        using var response = await StartSseAsync(onA, "gpt");
        var events = SseReader.ReadEventsAsync(response).GetAsyncEnumerator();
        var seen = new List<GenerationEvent>();
        // Cancel once the provider is answering, so the stalled reply is the one being cancelled.
        while (seen.LastOrDefault() is not DeltaEvent && await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        var generationId = seen[0].GenerationId;

        // Act
        using var cancel = await _b.ClientFor("alice").PostAsync($"/api/generations/{generationId}/cancel", null);
        while (await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        ChatDriver.AssertWellFormed(seen);
        Assert.Equal(FinishReasons.Cancelled, Assert.IsType<DoneEvent>(seen[^1]).FinishReason);
        await _environment.OpenAI.Requests[requestsBefore].Aborted.WaitAsync(TimeSpan.FromSeconds(10));
        var stored = await ConversationAssertions.GetAsync(onA, ((MetaEvent)seen[0]).ConversationId);
        Assert.Equal(FinishReasons.Cancelled, stored.Messages[^1].FinishReason);
        Assert.Equal(ChatDriver.TextOf(seen), stored.Messages[^1].Text);
    }

    [Fact]
    public async Task StartRetriedOnB_WithTheSameIdempotencyKey_JoinsTheAnswerStartedOnA()
    {
        // Arrange
        _environment.OpenAI.Enqueue(SlowAnswer);
        using var onA = _a.ClientFor("alice");
        using var onB = _b.ClientFor("alice");
        var requestsBefore = _environment.OpenAI.Requests.Count;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }) })
        {
            request.Headers.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, "q-1");
            using var dropped = await onA.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            dropped.EnsureSuccessStatusCode();
        }

        // Act
        var retried = await ChatDriver.AskOverSseAsync(onB, "gpt", "Count from 1 to 5", idempotencyKey: "q-1");

        // Assert
        ChatDriver.AssertWellFormed(retried);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text, ChatDriver.TextOf(retried));
        Assert.Equal(requestsBefore + 1, _environment.OpenAI.Requests.Count);
    }

    [Fact]
    public async Task StartRetried_AfterTheReplicaThatClaimedItDiedBeforeStarting_TakesTheClaimOverAndAnswersOnce()
    {
        // Arrange: a replica that is gone (it never renewed a lease) claimed the request and never got further.
        const string Question = "Count from 1 to 5";
        var agent = _a.Services.GetRequiredService<AgentCatalog>().Find("gpt")!;
        var retryKey = new StartGeneration("frank", agent, null, Question, "sse", "answer-orphaned").RetryKey!;
        var orphaned = new StartClaim("g_neverStarted", "r_gone");
        await _a.Services.GetRequiredService<IStartRequestLedger>().ClaimAsync("frank", retryKey, orphaned, TimeSpan.FromMinutes(1), CancellationToken.None);
        var upstreamCallsBefore = _environment.OpenAI.Requests.Count;
        using var onB = _b.ClientFor("frank");

        // Act
        var events = await ChatDriver.AskOverSseAsync(onB, "gpt", Question, idempotencyKey: "answer-orphaned");

        // Assert
        ChatDriver.AssertWellFormed(events);
        Assert.NotEqual(orphaned.GenerationId, events[0].GenerationId);
        Assert.Equal(upstreamCallsBefore + 1, _environment.OpenAI.Requests.Count);
    }

    /// <summary>
    /// Where the client was cut: after its last event, or before the terminal event when that already came. A loaded
    /// Redis makes the runner merge text into fewer events, so an answer may end before seq k; the resume then still
    /// has the end to deliver.
    /// </summary>
    private static long CutBeforeTheEnd(List<GenerationEvent> received)
    {
        if (received[^1].IsTerminal)
        {
            received.RemoveAt(received.Count - 1);
        }

        return received[^1].Seq;
    }

    private static async Task<HttpResponseMessage> StartSseAsync(HttpClient client, string agentId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId, message = "Count from 1 to 5" }),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }
}
