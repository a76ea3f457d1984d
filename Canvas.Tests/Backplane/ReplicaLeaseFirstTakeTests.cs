using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Canvas.Tests.Backplane;

/// <summary>
/// A replica takes its lease with its first generation. When Redis is away at that moment the take fails, and the
/// next generation, once Redis is back, takes it: one failed take must not leave the replica unable to run anything
/// for the rest of its life (every start answered busy). The waits only guard against a hang.
/// </summary>
public sealed class ReplicaLeaseFirstTakeTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly BackplaneOptions _options = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        OwnerTimeout = TimeSpan.FromSeconds(5),
        Retention = TimeSpan.FromMinutes(5),
        KeyPrefix = $"test-{Guid.NewGuid():N}",
    };

    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        // A command given up quickly while Redis is away, and a multiplexer that keeps reconnecting, as ChatApi's does.
        _connection = await ConnectionMultiplexer.ConnectAsync(
            $"{_redis.Endpoint},abortConnect=false,asyncTimeout=1000,syncTimeout=1000").WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task CreateAsync_FirstOwnedGenerationFailedWhileRedisWasAway_TheNextOneTakesTheLeaseOnceRedisIsBack()
    {
        // Arrange: the replica's first generation comes while Redis is away, and fails.
        var replica = new ReplicaIdentity();
        using var backplane = new RedisGenerationBackplane(
            _connection, Microsoft.Extensions.Options.Options.Create(_options), replica, NullLogger<RedisGenerationBackplane>.Instance);
        await _redis.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => backplane.CreateAsync(Record(replica), CancellationToken.None).WaitAsync(Bound));
        await _redis.StartAgainAsync();
        await WaitUntilConnectedAsync();

        // Act
        var second = Record(replica);
        await backplane.CreateAsync(second, CancellationToken.None).WaitAsync(Bound);

        // Assert: the generation exists and the replica holds its lease.
        Assert.NotNull(await backplane.FindAsync(second.GenerationId, CancellationToken.None).WaitAsync(Bound));
        Assert.True(await _connection.GetDatabase().KeyExistsAsync($"{_options.KeyPrefix}:replica:{{{replica.Id}}}").WaitAsync(Bound));
    }

    [Fact]
    public async Task CreateAsync_FirstTakeUnansweredPastTheOwnerTimeout_FailsThen_TheNextOneTakesTheLease()
    {
        // Arrange: a multiplexer that would wait a minute for a reply, and a Redis that answers nobody for longer
        // than the owner timeout as the replica's first generation comes.
        await using var patient = await ConnectionMultiplexer.ConnectAsync($"{_redis.Endpoint},asyncTimeout=60000,syncTimeout=60000").WaitAsync(Bound);
        var replica = new ReplicaIdentity();
        using var backplane = new RedisGenerationBackplane(
            patient, Microsoft.Extensions.Options.Options.Create(_options), replica, NullLogger<RedisGenerationBackplane>.Instance);
        await _redis.PauseClientsAsync(TimeSpan.FromSeconds(8));

        // Act
        var first = await Xunit.Record.ExceptionAsync(() => backplane.CreateAsync(Record(replica), CancellationToken.None).WaitAsync(Bound));
        var second = Record(replica);
        await backplane.CreateAsync(second, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.IsType<TimeoutException>(first);
        Assert.NotNull(await backplane.FindAsync(second.GenerationId, CancellationToken.None).WaitAsync(Bound));
    }

    private static GenerationRecord Record(ReplicaIdentity replica) =>
        new(Ids.NewGenerationId(), Ids.NewConversationId(), "user-1", "agent-1", DateTimeOffset.UtcNow, replica.Id);

    private async Task WaitUntilConnectedAsync()
    {
        using var deadline = new CancellationTokenSource(Bound);
        while (true)
        {
            try
            {
                await _connection.GetDatabase().PingAsync().WaitAsync(deadline.Token);
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }
}
