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
        _environment = await ChatEnvironment.StartAsync(_redis.Endpoint);
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
        // Arrange: Redis answers no client for longer than a command waits (5 s).
        using var client = _instance.ClientFor("alice");
        client.Timeout = TimeSpan.FromSeconds(60);
        await _redis.PauseClientsAsync(TimeSpan.FromSeconds(12));

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat", new { agentId = "gpt", message = "Count from 1 to 5" });

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ErrorCodes.ServerBusy, problem.RootElement.GetProperty("code").GetString());
    }
}
