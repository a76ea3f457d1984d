using Canvas.ChatApi.Backplane;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>
/// A reader on another replica subscribes to a generation's announcements before it reads the log. When Redis does
/// not answer that subscription, the read fails within the owner timeout, as a runner's lease would lapse, however
/// long the multiplexer would wait; the caller reads again (<see cref="ReadThroughFaults"/>). The waits only guard
/// against a hang.
/// </summary>
public sealed class UnansweredSubscribeTests : RestartableRedisBackplaneTest
{
    public UnansweredSubscribeTests() => Options.OwnerTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ReadAsync_SubscribeUnansweredPastTheOwnerTimeout_FailsTransiently_AndLeavesNoSubscriptionBehind()
    {
        // Arrange: a generation run on one replica, read on another whose multiplexer would wait a minute for a reply,
        // while Redis answers nobody for longer than the owner timeout.
        var runnerReplica = new ReplicaIdentity();
        using var runner = await CreateBackplaneAsync(runnerReplica);
        var generationId = await CreateOwnedGenerationAsync(runner, runnerReplica);
        using var reader = await CreateBackplaneAsync(new ReplicaIdentity(), "syncTimeout=60000,asyncTimeout=60000");
        await using var observer = await ConnectionMultiplexer.ConnectAsync(Redis.Endpoint).WaitAsync(Bound);
        await Redis.PauseClientsAsync(TimeSpan.FromSeconds(6));

        // Act
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var events = reader.ReadAsync(generationId, -1, CancellationToken.None).GetAsyncEnumerator();
            await events.MoveNextAsync().AsTask().WaitAsync(Bound);
        });

        // Assert: a transient failure, and once Redis answers again and confirms the subscription given up on, nobody listens on it.
        Assert.IsType<RedisTimeoutException>(failure);
        Assert.True(TransientRedis.IsTransient(failure));
        var channel = new RedisGenerationKeys(Options.KeyPrefix, generationId).EventsChannel;
        using var deadline = new CancellationTokenSource(Bound);
        while (await observer.GetServer(observer.GetEndPoints()[0]).SubscriptionSubscriberCountAsync(channel).WaitAsync(deadline.Token) > 0)
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
