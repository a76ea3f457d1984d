using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Faults;

/// <summary>
/// Requests while their Redis is away: stopped (as during a restart, or a Cluster answering <c>CLUSTERDOWN</c>) or
/// answering nobody in time (stalled, as under a load that starves the instance). A snapshot, a resume, a cancel and
/// a start on every tier are refused as a start that cannot be taken is, 503 <c>server_busy</c>, retryable, with
/// <c>Retry-After</c>, never a 500; a WebSocket gets the same as an <c>error</c> and stays open; asked again once Redis
/// is back, each finds the generation as it was. The waits only guard against a hang.
/// </summary>
public sealed class RedisAwayRequestTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private RedisServerProcess _redis = null!;
    private ChatEnvironment _environment = null!;
    private ChatApiHost _instance = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        // A command gives up after two seconds, so each request below fails quickly, far inside a pause however slow
        // the machine is.
        _environment = await ChatEnvironment.StartAsync($"{_redis.Endpoint},syncTimeout=2000,asyncTimeout=2000");
        _instance = _environment.StartInstance();
    }

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RequestsWhileRedisIsStopped_Are503ServerBusyRetryableWithRetryAfter_AndWorkOnceItIsBack()
    {
        // Arrange: a finished answer, and a WebSocket opened while Redis was up.
        using var client = _instance.ClientFor("alice");
        client.Timeout = Bound;
        var answer = await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5");
        var generationId = answer[0].GenerationId;
        await using var socket = await ChatSocketClient.ConnectAsync(_instance.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await _redis.StopAsync();
        HttpRequestMessage[] requests =
        [
            new(HttpMethod.Get, $"/api/generations/{generationId}"),
            new(HttpMethod.Get, $"/api/generations/{generationId}/events?after=0"),
            new(HttpMethod.Post, $"/api/generations/{generationId}/cancel"),
            new(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }) },
            new(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }) },
        ];
        var refusals = await Task.WhenAll(requests.Select(request => RefusalOfAsync(client, request))).WaitAsync(Bound);
        await socket.SendAsync(new { type = "resume", requestId = "r1", generationId, afterSeq = 0 });
        var resumeRefused = await socket.ReceiveAsync().WaitAsync(Bound);
        await socket.SendAsync(new { type = "cancel", requestId = "r2", generationId });
        var cancelRefused = await socket.ReceiveAsync().WaitAsync(Bound);
        await _redis.StartAgainAsync();
        var snapshot = await SnapshotOnceBackAsync(client, generationId);
        await socket.SendAsync(new { type = "resume", generationId, afterSeq = 0 });
        var resumed = (await socket.ReceiveUntilTerminalAsync().WaitAsync(Bound)).Select(ChatDriver.ToEvent);

        // Assert
        foreach (var (request, status, retryAfter, problem) in refusals)
        {
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{request}: {(int)status} {problem}");
            Assert.Equal(ErrorCodes.ServerBusy, problem?["code"]?.GetValue<string>());
            Assert.True(problem?["retryable"]?.GetValue<bool>(), $"{request}: {problem}");
            Assert.NotNull(retryAfter);
        }

        foreach (var refused in new[] { resumeRefused, cancelRefused })
        {
            Assert.Equal("error", refused?["type"]?.GetValue<string>());
            Assert.Equal(ErrorCodes.ServerBusy, refused?["code"]?.GetValue<string>());
            Assert.True(refused?["retryable"]?.GetValue<bool>(), refused?.ToJsonString());
            Assert.NotNull(refused?["retryAfterMs"]);
        }

        Assert.Equal("done", snapshot.Status);
        Assert.Equal(ChatDriver.TextOf(answer), snapshot.Text);
        Assert.Equal(answer.Skip(1), resumed);
    }

    [Fact]
    public async Task StartWhileRedisAnswersNobody_Is503ServerBusyWithRetryAfter()
    {
        // Arrange: Redis answers no client for far longer than a command waits.
        using var client = _instance.ClientFor("alice");
        client.Timeout = TimeSpan.FromSeconds(60);
        await _redis.PauseClientsAsync(TimeSpan.FromSeconds(40));

        // Act
        var (request, status, retryAfter, problem) = await RefusalOfAsync(
            client, new(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { agentId = "gpt", message = "Count from 1 to 5" }) });

        // Assert
        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{request}: {(int)status} {problem}");
        Assert.NotNull(retryAfter);
        Assert.Equal(ErrorCodes.ServerBusy, problem?["code"]?.GetValue<string>());
    }

    private static async Task<(string Request, HttpStatusCode Status, System.Net.Http.Headers.RetryConditionHeaderValue? RetryAfter, JsonObject? Problem)> RefusalOfAsync(
        HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            var problem = body.StartsWith('{') ? JsonNode.Parse(body)?.AsObject() : null;
            return ($"{request.Method} {request.RequestUri}", response.StatusCode, response.Headers.RetryAfter, problem);
        }
    }

    private static async Task<GenerationSnapshot> SnapshotOnceBackAsync(HttpClient client, string generationId)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            using var response = await client.GetAsync($"/api/generations/{generationId}", bound.Token);
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<GenerationSnapshot>(bound.Token))!;
            }

            // Refused busy until the instance's connection to Redis is back: ask again after a moment.
            await Task.Delay(100, bound.Token);
        }
    }
}
