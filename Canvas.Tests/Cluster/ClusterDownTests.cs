using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Cluster;

/// <summary>
/// A Redis Cluster that answers <c>CLUSTERDOWN</c> for a moment, as it does for seconds after a restarted node is back:
/// the runner's append is sent again until the cluster serves the slot, and the event is stored once. The cluster is
/// made to answer it for real: the generation's slot is taken from its master (<c>CLUSTER DELSLOTS</c>) and given back.
/// The waits only guard against a hang.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterDownTests(RedisClusterFixture cluster) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly AppendRetrySignal _retried = new();
    private ConnectionMultiplexer _connection = null!;
    private ConnectionMultiplexer _admin = null!;

    public async Task InitializeAsync()
    {
        _connection = await cluster.ConnectAsync();
        _admin = await ConnectionMultiplexer.ConnectAsync($"{cluster.ConnectionString},allowAdmin=true").WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _admin.DisposeAsync();
    }

    [Fact]
    public async Task AppendAsync_TheClusterAnswersClusterDownForAMoment_TheEventIsSentAgainAndStoredOnce()
    {
        // Arrange
        var replica = new ReplicaIdentity();
        using var backplane = new RedisGenerationBackplane(_connection, Microsoft.Extensions.Options.Options.Create(new BackplaneOptions
        {
            OwnerTimeout = TimeSpan.FromSeconds(20),
            KeyPrefix = $"test-{Guid.NewGuid():N}",
        }), replica, _retried);
        var generationId = await CreateOwnedGenerationAsync(backplane, replica);
        var probe = (RedisKey)$"probe:{{{generationId}}}";
        var slot = _connection.HashSlot(probe);
        var master = _admin.GetServer(_admin.GetServer(_admin.GetEndPoints()[0]).ClusterNodes()!.GetBySlot(slot)!.EndPoint!);
        var delta = new DeltaEvent { GenerationId = generationId, Seq = 1, Text = "through" };
        bool appended;
        try
        {
            await master.ExecuteAsync("CLUSTER", "DELSLOTS", slot);
            var refused = await Record.ExceptionAsync(() => _connection.GetDatabase().StringGetAsync(probe));
            Assert.True(refused is RedisServerException { Message: var message } && message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal), refused?.ToString());

            // Act: the append meets CLUSTERDOWN; once it has been told so and is trying again, the slot comes back.
            var append = backplane.AppendAsync(delta, CancellationToken.None);
            var first = await Task.WhenAny(append, _retried.Task).WaitAsync(Bound);
            Assert.True(first == _retried.Task, $"The append ended before it was sent again: {append.Exception?.InnerException}");
            await master.ExecuteAsync("CLUSTER", "ADDSLOTS", slot);
            appended = await append.WaitAsync(Bound);
        }
        finally
        {
            await master.ExecuteAsync("CLUSTER", "ADDSLOTS", slot).ContinueWith(_ => { }, TaskScheduler.Default);
            await cluster.Cluster.WaitUntilFormedAsync();
        }

        // Assert
        Assert.True(appended);
        Assert.Equal([Meta(generationId), delta], await backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound));
    }

    /// <summary>Completes when the backplane logs that it sends an append again.</summary>
    private sealed class AppendRetrySignal : ILogger<RedisGenerationBackplane>
    {
        private readonly TaskCompletionSource _retried = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _retried.Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("sending it again", StringComparison.Ordinal))
            {
                _retried.TrySetResult();
            }
        }
    }
}
