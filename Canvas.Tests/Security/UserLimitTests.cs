using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Canvas.Tests.Security;

/// <summary>
/// Security matrix, per-user limits: starts and open streams are counted across replicas (one bucket, one set of
/// stream leases per user in Redis; a dead replica's leases run out); over either limit a client gets 429 <c>rate_limited</c> with <c>Retry-After</c> (a WebSocket: an
/// <c>error</c>, or a 1013 close when the socket itself is one stream too many), and other users are untouched.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class UserLimitTests(RedisServerFixture redis) : IAsyncLifetime
{
    // Frozen: no start comes back into the bucket while the test runs, however slow the machine.
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _alice = $"alice-{Guid.NewGuid():N}";
    private readonly string _bob = $"bob-{Guid.NewGuid():N}";
    private readonly string _prefix = $"limits-{Guid.NewGuid():N}";
    private ChatEnvironment _environment = null!;

    public async Task InitializeAsync() => _environment = await ChatEnvironment.StartAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task StartsOverTheLimit_AreCountedAcrossReplicas_AndRefusedWithRetryAfterOnEveryTier()
    {
        // Arrange: one start a minute, two replicas sharing one Redis.
        var limits = new Dictionary<string, string?>
        {
            ["Canvas:Limits:StartsPerMinute"] = "1",
            ["Canvas:Backplane:KeyPrefix"] = $"limits-{Guid.NewGuid():N}",
        };
        var a = _environment.StartInstance(limits, UseClock);
        var b = _environment.StartInstance(limits, UseClock);
        var first = await ChatDriver.AskOverSseAsync(a.ClientFor(_alice), "gpt", "one");

        // Act
        using var overSseOnB = await b.ClientFor(_alice).PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "two" });
        using var overRestOnA = await a.ClientFor(_alice).PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "two" });
        await using var socket = await ChatSocketClient.ConnectAsync(b.WebSocketUri(), TestTokens.For(_alice));
        await socket.SendAsync(new { type = "start", requestId = "r2", agentId = "gpt", message = "two" });
        var overWebSocketOnB = await socket.ReceiveAsync();
        var bobOnB = await ChatDriver.AskOverSseAsync(b.ClientFor(_bob), "gpt", "one");

        // Assert
        Assert.IsType<DoneEvent>(first[^1]);
        foreach (var refused in new[] { overSseOnB, overRestOnA })
        {
            var problem = await BadInputTests.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
            Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter?.Delta);
            Assert.Equal(60_000, problem["retryAfterMs"]!.GetValue<long>());
        }

        Assert.Equal(ErrorCodes.RateLimited, overWebSocketOnB!["code"]!.GetValue<string>());
        Assert.Contains("60 s", overWebSocketOnB["message"]!.GetValue<string>());
        Assert.Equal(60_000, overWebSocketOnB["retryAfterMs"]!.GetValue<long>());
        Assert.True(overWebSocketOnB["retryable"]!.GetValue<bool>());
        Assert.IsType<DoneEvent>(bobOnB[^1]);
        Assert.Equal(2, _environment.OpenAI.Requests.Count);
    }

    [Fact]
    public async Task StreamsOverTheLimit_AreCountedAcrossReplicas_RefusedWithRetryAfterOnEveryStreamingEndpoint_AndFreedWhenAStreamEnds()
    {
        // Arrange: one open stream per user on two replicas sharing Redis; alice's first answer is held open mid-way on A.
        var limit = new Dictionary<string, string?> { ["Canvas:Limits:MaxOpenStreamsPerUser"] = "1" };
        var a = _environment.StartInstance(limit);
        var api = _environment.StartInstance(limit);
        _environment.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 3) });
        using var holder = a.ClientFor(_alice);
        using var alice = api.ClientFor(_alice);
        using var held = await holder.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message = "hold" }) },
            HttpCompletionOption.ResponseHeadersRead);
        var heldEvents = SseReader.ReadEventsAsync(held).GetAsyncEnumerator();
        // Its first delta shows the provider is answering it, so the stalled reply is the one it holds.
        while (await heldEvents.MoveNextAsync() && heldEvents.Current is not DeltaEvent)
        {
        }

        var generationId = heldEvents.Current.GenerationId;

        // Act
        using var overSse = await alice.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "two" });
        using var overRest = await alice.PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "two" });
        using var overResume = await alice.GetAsync($"/api/generations/{generationId}/events?after=0");
        await using var overSocket = await ChatSocketClient.ConnectAsync(api.WebSocketUri(), TestTokens.For(_alice));
        var socketMessage = await overSocket.ReceiveAsync();
        var bob = await ChatDriver.AskOverSseAsync(api.ClientFor(_bob), "gpt", "one");
        _environment.OpenAI.ReleaseStalledResponses();
        while (await heldEvents.MoveNextAsync())
        {
        }

        await heldEvents.DisposeAsync();
        var afterTheStreamEnded = await WhenAcceptedAsync(() => alice.GetAsync($"/api/generations/{generationId}/events?after=0"));

        // Assert
        foreach (var refused in new[] { overSse, overRest, overResume })
        {
            var problem = await BadInputTests.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
            Assert.Contains("open streams", problem["detail"]!.GetValue<string>());
            Assert.Equal(OpenStreamLimiter.RetryAfter, refused.Headers.RetryAfter?.Delta);
        }

        Assert.Null(socketMessage);
        Assert.Equal((WebSocketCloseStatus)1013, overSocket.CloseStatus);
        Assert.Contains("open streams", overSocket.CloseStatusDescription);
        Assert.IsType<DoneEvent>(bob[^1]);
        Assert.Equal(HttpStatusCode.OK, afterTheStreamEnded);
    }

    [Fact]
    public async Task OpenStreamLimiter_InProcess_ClosingAStream_FreesItsPlace()
    {
        // Arrange
        var limiter = new OpenStreamLimiter(new InProcessOpenStreamStore(), Options.Create(new ChatLimitsOptions { MaxOpenStreamsPerUser = 2 }));
        var first = (await limiter.TryOpenAsync(_alice, CancellationToken.None))!;
        using var second = await limiter.TryOpenAsync(_alice, CancellationToken.None);

        // Act
        var third = await limiter.TryOpenAsync(_alice, CancellationToken.None);
        first.Dispose();
        first.Dispose();
        using var afterClosing = await limiter.TryOpenAsync(_alice, CancellationToken.None);
        var oneTooMany = await limiter.TryOpenAsync(_alice, CancellationToken.None);

        // Assert
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.NotNull(afterClosing);
        Assert.Null(oneTooMany);
        Assert.NotNull(await limiter.TryOpenAsync(_bob, CancellationToken.None));
    }

    [Fact]
    public async Task RedisOpenStreamStore_AReplicaThatDiesHoldingStreams_FreesThemOnceTheirLeasesRunOut()
    {
        // Arrange: replica A holds alice's two streams, then dies without closing them (it only stops renewing).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var connection = await redis.ConnectAsync();
        var dying = CreateStore(connection, clock);
        using var survivor = CreateStore(connection, clock);
        Assert.NotNull(await dying.TryOpenAsync(_alice, 2, CancellationToken.None));
        Assert.NotNull(await dying.TryOpenAsync(_alice, 2, CancellationToken.None));
        dying.Dispose();

        // Act
        var whileTheLeasesRun = await survivor.TryOpenAsync(_alice, 2, CancellationToken.None);
        clock.Advance(RedisOpenStreamStore.LeaseTime);
        var afterTheLeasesRanOut = await survivor.TryOpenAsync(_alice, 2, CancellationToken.None);

        // Assert
        Assert.Null(whileTheLeasesRun);
        Assert.NotNull(afterTheLeasesRanOut);
    }

    [Fact]
    public async Task RedisOpenStreamStore_ALiveReplicaRenewsItsStreams_TheyCountPastTheLeaseTime()
    {
        // Arrange
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var connection = await redis.ConnectAsync();
        using var holder = CreateStore(connection, clock);
        using var other = CreateStore(connection, clock);
        using var held = await holder.TryOpenAsync(_alice, 1, CancellationToken.None);
        var key = $"{_prefix}:streams:{{{_alice}}}";
        var database = connection.GetDatabase();

        // Act: three renewal periods, past one lease time; each renewal is awaited in Redis before the clock moves on.
        for (var period = 0; period < 3; period++)
        {
            var before = await database.SortedSetRangeByRankWithScoresAsync(key);
            clock.Advance(RedisOpenStreamStore.RenewalPeriod);
            await WhenAsync(async () => (await database.SortedSetRangeByRankWithScoresAsync(key)).Single().Score > before.Single().Score);
        }

        var refused = await other.TryOpenAsync(_alice, 1, CancellationToken.None);
        held!.Dispose();
        await WhenAsync(async () => await database.SortedSetLengthAsync(key) == 0);
        using var afterClosing = await other.TryOpenAsync(_alice, 1, CancellationToken.None);

        // Assert
        Assert.Null(refused);
        Assert.NotNull(afterClosing);
    }

    private RedisOpenStreamStore CreateStore(IConnectionMultiplexer connection, TimeProvider clock) =>
        new(connection, Options.Create(new BackplaneOptions { KeyPrefix = _prefix }), clock, NullLogger<RedisOpenStreamStore>.Instance);

    // Guards only against a condition that never comes true.
    private static async Task WhenAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
        }
    }

    private void UseClock(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    // The server frees a stream's place just after the client has read its end; this waits for that, and only
    // guards against a place that is never freed.
    private static async Task<HttpStatusCode> WhenAcceptedAsync(Func<Task<HttpResponseMessage>> request)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var response = await request();
            if (response.StatusCode != HttpStatusCode.TooManyRequests || deadline.IsCancellationRequested)
            {
                return response.StatusCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }
}
