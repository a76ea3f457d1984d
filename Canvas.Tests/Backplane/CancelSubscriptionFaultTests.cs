using Canvas.ChatApi.Backplane;
using Canvas.Tests.Infrastructure;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>
/// A runner subscribes to its cancel while Redis is away (a node restarting as the answer starts): the subscription
/// is not a reason to end the answer, and a stop sent once Redis is back still reaches the runner. Seen in the
/// Cluster chaos run: three answers ended with <c>generation_lost</c> because the replica's SUBSCRIBE or the cancel
/// flag's EXISTS failed on a restarting node. The waits only guard against a hang.
/// </summary>
public sealed class CancelSubscriptionFaultTests : RestartableRedisBackplaneTest
{
    public CancelSubscriptionFaultTests() => Options.OwnerTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task SubscribeCancelAsync_WhileRedisIsAway_Returns_AndACancelSentOnceItIsBackIsHeard()
    {
        // Arrange: a command gives up after a second without a connection.
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica, "syncTimeout=1000,asyncTimeout=1000");
        using var peer = await CreateBackplaneAsync(new ReplicaIdentity(), "syncTimeout=1000,asyncTimeout=1000");
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act: the subscription is asked for while Redis is down; it fails the runner if it throws.
        await Redis.StopAsync();
        await using var subscription = await owner.SubscribeCancelAsync(generationId, () => heard.TrySetResult(), CancellationToken.None).WaitAsync(Bound);
        await Redis.StartAgainAsync();
        await CancelOnceRedisAnswersAsync(peer, generationId);

        // Assert
        var first = await Task.WhenAny(heard.Task, Task.Delay(Bound));
        Assert.True(first == heard.Task, $"The runner did not hear the cancel within {Bound.TotalSeconds} s.");
    }

    [Fact]
    public async Task RequestCancelAsync_OnTheRunnersOwnReplica_IsHeardWhileRedisStillAnswersNobody()
    {
        // Arrange: a runner listening, on a multiplexer that would wait a minute for Redis, and a Redis that answers
        // nobody for a while; the ping shows when it answers again.
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica, "syncTimeout=60000,asyncTimeout=60000");
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await owner.SubscribeCancelAsync(generationId, () => heard.TrySetResult(), CancellationToken.None).WaitAsync(Bound);
        await Redis.PauseClientsAsync(TimeSpan.FromSeconds(5));
        var redisAnswersAgain = Redis.SendAsync("PING");

        // Act
        var request = owner.RequestCancelAsync(generationId, CancellationToken.None);

        // Assert
        var first = await Task.WhenAny(heard.Task, redisAnswersAgain).WaitAsync(Bound);
        Assert.True(first == heard.Task, "The runner heard a stop asked on its own replica only once Redis answered again.");
        await request.WaitAsync(Bound);
    }

    [Fact]
    public async Task SubscriptionConnectionRestored_AfterAStopWhoseMessageItMissed_TheRunnerHearsItFromTheFlag()
    {
        // Arrange: a runner listening; a stop whose flag is set while its message never reaches the runner's replica.
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica);
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await owner.SubscribeCancelAsync(generationId, () => heard.TrySetResult(), CancellationToken.None).WaitAsync(Bound);
        Assert.StartsWith("+OK", await Redis.SendAsync("SET", (string)new RedisGenerationKeys(Options.KeyPrefix, generationId).Cancel!, "1"), StringComparison.Ordinal);

        // Act: the replica's subscription connection drops, and the multiplexer brings it back.
        Assert.StartsWith(":", await Redis.SendAsync("CLIENT", "KILL", "TYPE", "pubsub"), StringComparison.Ordinal);

        // Assert
        var first = await Task.WhenAny(heard.Task, Task.Delay(Bound));
        Assert.True(first == heard.Task, $"The runner did not read the flag of the stop it missed within {Bound.TotalSeconds} s of its subscription coming back.");
    }

    private static async Task CancelOnceRedisAnswersAsync(IGenerationBackplane backplane, string generationId)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            try
            {
                await backplane.RequestCancelAsync(generationId, bound.Token);
                return;
            }
            catch (Exception exception) when (TransientRedis.IsTransient(exception))
            {
                await Task.Delay(100, bound.Token);
            }
        }
    }
}
