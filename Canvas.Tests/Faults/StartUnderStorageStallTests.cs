using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Faults;

/// <summary>
/// A start whose storage does not answer in time (Redis stalled, as under a load that starves the instance) is
/// answered busy, typed and with a time to try again, never with a server error. The waits only guard against a hang.
/// </summary>
public sealed class StartUnderStorageStallTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private ChatEnvironment _environment = null!;
    private ChatApiHost _instance = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        // A Redis command gives up after two seconds, far inside the pause below however slow the machine is.
        _environment = await ChatEnvironment.StartAsync($"{_redis.Endpoint},syncTimeout=2000,asyncTimeout=2000");
        _instance = _environment.StartInstance();
    }

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task StartWhileRedisAnswersNobody_Is503ServerBusyWithRetryAfter()
    {
        // Arrange: Redis answers no client for far longer than a command waits.
        using var client = _instance.ClientFor("alice");
        client.Timeout = TimeSpan.FromSeconds(60);
        await _redis.PauseClientsAsync(TimeSpan.FromSeconds(40));

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "Count from 1 to 5" });

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ErrorCodes.ServerBusy, problem.RootElement.GetProperty("code").GetString());
    }
}
