using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Capacity;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Capacity;

/// <summary>
/// An instance takes only the answers and streams its file descriptors can carry: a start past its cap is refused
/// with 503 <c>server_busy</c> and <c>Retry-After</c> before anything is stored, on every tier, and so is a stream
/// past what its open-file limit leaves, while the answers it accepted stream on whole. The answers are held open
/// mid-way by a stalled fake upstream, so the instance is full for as long as the test needs.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class CapacityAdmissionTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly FakeResponse HeldMidAnswer = FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 3) };

    private readonly string _alice = $"alice-{Guid.NewGuid():N}";
    private readonly string _bob = $"bob-{Guid.NewGuid():N}";
    private readonly string _prefix = $"capacity-{Guid.NewGuid():N}";
    private ChatEnvironment _environment = null!;

    public async Task InitializeAsync() => _environment = await ChatEnvironment.StartAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task StartsPastTheConfiguredCap_AreRefusedBusyWithRetryAfterOnEveryTier_NothingIsStored_AndTheAcceptedAnswersCompleteWhole()
    {
        // Arrange: room for two answers, both held open mid-way.
        var api = _environment.StartInstance(new Dictionary<string, string?>
        {
            ["Canvas:Limits:MaxConcurrentAnswers"] = "2",
            ["Canvas:Backplane:KeyPrefix"] = _prefix,
        });
        _environment.OpenAI.Enqueue(HeldMidAnswer);
        _environment.OpenAI.Enqueue(HeldMidAnswer);
        using var alice = api.ClientFor(_alice);
        await using var first = await HeldAnswer.StartAsync(alice, "one");
        await using var second = await HeldAnswer.StartAsync(alice, "two");

        // Act
        using var bob = api.ClientFor(_bob);
        using var overSse = await bob.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "three" });
        using var overRest = await bob.PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "three" });
        await using var socket = await ChatSocketClient.ConnectAsync(api.WebSocketUri(), TestTokens.For(_bob));
        await socket.SendAsync(new { type = "start", requestId = "r3", agentId = "gpt", message = "three" });
        var overWebSocket = await socket.ReceiveAsync().WaitAsync(Bound);
        var bobsConversations = await bob.GetFromJsonAsync<JsonArray>("/api/conversations");
        var generationsStored = await GenerationsStoredAsync();
        var providerCalls = _environment.OpenAI.Requests.Count;
        _environment.OpenAI.ReleaseStalledResponses();
        var firstAnswer = await first.ReadToEndAsync();
        var secondAnswer = await second.ReadToEndAsync();
        var capacity = api.Services.GetRequiredService<InstanceCapacity>();
        // The runner gives its place back just after the terminal event; only a hang could keep it.
        while (capacity.Answers > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20)).WaitAsync(Bound);
        }

        var afterThem = await ChatDriver.AskOverSseAsync(bob, "gpt", "four");

        // Assert
        foreach (var refused in new[] { overSse, overRest })
        {
            var problem = await BadInputTests.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServerBusy);
            Assert.Equal(InstanceCapacity.RetryAfter, refused.Headers.RetryAfter?.Delta);
            Assert.True(problem["retryable"]!.GetValue<bool>());
        }

        Assert.Equal("error", overWebSocket!["type"]!.GetValue<string>());
        Assert.Equal("r3", overWebSocket["requestId"]!.GetValue<string>());
        Assert.Equal(ErrorCodes.ServerBusy, overWebSocket["code"]!.GetValue<string>());
        Assert.Equal((long)InstanceCapacity.RetryAfter.TotalMilliseconds, overWebSocket["retryAfterMs"]!.GetValue<long>());
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Empty(bobsConversations!);
        Assert.Equal(2, generationsStored);
        Assert.Equal(2, providerCalls);
        ChatDriver.AssertWellFormed(firstAnswer);
        ChatDriver.AssertWellFormed(secondAnswer);
        Assert.IsType<DoneEvent>(firstAnswer[^1]);
        Assert.IsType<DoneEvent>(secondAnswer[^1]);
        Assert.Equal(ChatDriver.TextOf(afterThem), ChatDriver.TextOf(firstAnswer));
        Assert.Equal(ChatDriver.TextOf(afterThem), ChatDriver.TextOf(secondAnswer));
    }

    [Fact]
    public async Task AnOpenFileLimitLeavingThreeDescriptors_CarriesOneAnswerAndOneFollower_RefusesTheNextStreamsBusy_AndWarnsAtStart()
    {
        // Arrange: a limit of 1,003 less the 1,000 reserved leaves 3 descriptors: one answer (its client's connection
        // and its provider's socket) and one follower's connection.
        var api = _environment.StartInstance(
            new Dictionary<string, string?> { ["Canvas:Limits:ReservedFileDescriptors"] = "1000" },
            services => services.AddSingleton(provider =>
                new InstanceCapacity(provider.GetRequiredService<IOptions<ChatLimitsOptions>>().Value, openFileLimit: 1_003)));
        _environment.OpenAI.Enqueue(HeldMidAnswer);
        using var starter = api.ClientFor(_alice);
        await using var answer = await HeldAnswer.StartAsync(starter, "one");
        using var follower = api.ClientFor(_alice);
        await using var following = await HeldAnswer.FollowAsync(follower, answer.GenerationId);

        // Act: each on a connection of its own, one descriptor too many.
        using var startClient = api.ClientFor(_alice);
        using var overStart = await startClient.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "two" });
        using var followClient = api.ClientFor(_alice);
        using var overFollow = await followClient.GetAsync($"/api/generations/{answer.GenerationId}/events?after=0");
        await using var overSocket = await ChatSocketClient.ConnectAsync(api.WebSocketUri(), TestTokens.For(_alice));
        var socketMessage = await overSocket.ReceiveAsync().WaitAsync(Bound);
        _environment.OpenAI.ReleaseStalledResponses();
        var answered = await answer.ReadToEndAsync();
        var followed = await following.ReadToEndAsync();

        // Assert
        foreach (var refused in new[] { overStart, overFollow })
        {
            await BadInputTests.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServerBusy);
            Assert.Equal(InstanceCapacity.RetryAfter, refused.Headers.RetryAfter?.Delta);
            Assert.True(refused.Headers.ConnectionClose);
        }

        Assert.Null(socketMessage);
        Assert.Equal((WebSocketCloseStatus)1013, overSocket.CloseStatus);
        Assert.Equal(InstanceCapacity.Refusal.Message, overSocket.CloseStatusDescription);
        Assert.IsType<DoneEvent>(answered[^1]);
        Assert.IsType<DoneEvent>(followed[^1]);
        Assert.Equal(ChatDriver.TextOf(answered), ChatDriver.TextOf(followed));
        Assert.Single(_environment.OpenAI.Requests);
        Assert.Contains(api.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal)
            && line.Contains("open-file limit 1003 lets this instance run about 1 answers at once", StringComparison.Ordinal)
            && line.Contains("503 server_busy", StringComparison.Ordinal));
    }

    private async Task<int> GenerationsStoredAsync()
    {
        await using var connection = await redis.ConnectAsync();
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var count = 0;
        await foreach (var _ in server.KeysAsync(pattern: $"{_prefix}:gen:*:rec"))
        {
            count++;
        }

        return count;
    }

    /// <summary>An SSE stream read up to its first delta: the provider is answering it, and its stall holds it there.</summary>
    private sealed class HeldAnswer : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly IAsyncEnumerator<GenerationEvent> _events;
        private readonly List<GenerationEvent> _seen = [];

        private HeldAnswer(HttpResponseMessage response)
        {
            _response = response;
            _events = SseReader.ReadEventsAsync(response).GetAsyncEnumerator();
        }

        public string GenerationId => _seen[0].GenerationId;

        public static Task<HeldAnswer> StartAsync(HttpClient client, string message) =>
            OpenAsync(client, new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message }) });

        public static Task<HeldAnswer> FollowAsync(HttpClient client, string generationId) =>
            OpenAsync(client, new HttpRequestMessage(HttpMethod.Get, $"/api/generations/{generationId}/events?after=-1"));

        public async Task<List<GenerationEvent>> ReadToEndAsync()
        {
            while (await _events.MoveNextAsync().AsTask().WaitAsync(Bound))
            {
                _seen.Add(_events.Current);
            }

            return _seen;
        }

        public async ValueTask DisposeAsync()
        {
            await _events.DisposeAsync();
            _response.Dispose();
        }

        private static async Task<HeldAnswer> OpenAsync(HttpClient client, HttpRequestMessage request)
        {
            using (request)
            {
                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{request.RequestUri} was refused: {await response.Content.ReadAsStringAsync()}");
                }

                var held = new HeldAnswer(response);
                while (await held._events.MoveNextAsync().AsTask().WaitAsync(Bound))
                {
                    held._seen.Add(held._events.Current);
                    if (held._events.Current is DeltaEvent)
                    {
                        return held;
                    }
                }

                throw new InvalidOperationException("The stream ended before its first delta.");
            }
        }
    }
}
