using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Canvas.Tests.Backplane;

/// <summary>
/// A reader on another replica subscribes to a generation's announcements before it reads the log. When Redis does
/// not answer that subscription, the read fails within the owner timeout, as a runner's lease would lapse, however
/// long the multiplexer would wait; the caller reads again (<see cref="ReadThroughFaults"/>). The waits only guard
/// against a hang.
/// </summary>
public sealed class UnansweredSubscribeTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly BackplaneOptions _options = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        OwnerTimeout = TimeSpan.FromSeconds(2),
        Retention = TimeSpan.FromMinutes(5),
        KeyPrefix = $"test-{Guid.NewGuid():N}",
    };

    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint).WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ReadAsync_SubscribeUnansweredPastTheOwnerTimeout_FailsTransiently_AndLeavesNoSubscriptionBehind()
    {
        // Arrange: a generation run on one replica, read on another whose multiplexer would wait a minute for a reply,
        // while Redis answers nobody for longer than the owner timeout.
        var runnerReplica = new ReplicaIdentity();
        using var runner = Backplane(_connection, runnerReplica);
        var generation = new GenerationRecord(Ids.NewGenerationId(), Ids.NewConversationId(), "user-1", "agent-1", DateTimeOffset.UtcNow, runnerReplica.Id);
        await runner.CreateAsync(generation, CancellationToken.None).WaitAsync(Bound);
        await using var patient = await ConnectionMultiplexer.ConnectAsync($"{_redis.Endpoint},asyncTimeout=60000,syncTimeout=60000").WaitAsync(Bound);
        using var reader = Backplane(patient, new ReplicaIdentity());
        await _redis.PauseClientsAsync(TimeSpan.FromSeconds(6));

        // Act
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var events = reader.ReadAsync(generation.GenerationId, -1, CancellationToken.None).GetAsyncEnumerator();
            await events.MoveNextAsync().AsTask().WaitAsync(Bound);
        });

        // Assert: a transient failure, and once Redis answers again and confirms the subscription given up on, nobody listens on it.
        Assert.IsType<TimeoutException>(failure);
        Assert.True(TransientRedis.IsTransient(failure));
        await WaitUntilNoSubscriberAsync(new RedisGenerationKeys(_options.KeyPrefix, generation.GenerationId).EventsChannel);
    }

    private RedisGenerationBackplane Backplane(IConnectionMultiplexer connection, ReplicaIdentity replica) =>
        new(connection, Microsoft.Extensions.Options.Options.Create(_options), replica, NullLogger<RedisGenerationBackplane>.Instance);

    private async Task WaitUntilNoSubscriberAsync(RedisChannel channel)
    {
        using var deadline = new CancellationTokenSource(Bound);
        while ((await _connection.GetServer(_connection.GetEndPoints()[0]).SubscriptionSubscriberCountAsync(channel).WaitAsync(deadline.Token)) > 0)
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
