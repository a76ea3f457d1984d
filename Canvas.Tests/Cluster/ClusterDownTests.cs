using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Conversations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Cluster;

/// <summary>
/// A Redis Cluster that answers <c>CLUSTERDOWN</c> for a moment, as it does for seconds after a restarted node is back:
/// the runner's append is sent again until the cluster serves the slot, and the event is stored once; a store's
/// transaction aborted by it fails as transiently as the command would. The cluster is made to answer it for real: the
/// key's slot is taken from its master (<c>CLUSTER DELSLOTS</c>) and given back. The waits only guard against a hang.
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
        var delta = new DeltaEvent { GenerationId = generationId, Seq = 1, Text = "through" };
        bool appended;
        await using (var down = await SlotDownAsync(generationId))
        {
            // Act: the append meets CLUSTERDOWN; once it has been told so and is trying again, the slot comes back.
            var append = backplane.AppendAsync(delta, CancellationToken.None);
            var first = await Task.WhenAny(append, _retried.Task).WaitAsync(Bound);
            Assert.True(first == _retried.Task, $"The append ended before it was sent again: {append.Exception?.InnerException}");
            await down.ServeAgainAsync();
            appended = await append.WaitAsync(Bound);
        }

        // Assert
        Assert.True(appended);
        Assert.Equal([Meta(generationId), delta], await backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task ConversationTransactionWhileTheClusterIsDown_FailsTransiently_SoItIsAskedAgainOrAnsweredBusy()
    {
        // Arrange: a transaction (MULTI … EXEC) whose commands the cluster refuses as they are queued is aborted
        // as a whole with EXECABORT, not with the CLUSTERDOWN that caused it.
        var store = new RedisConversationStore(_connection,
            Microsoft.Extensions.Options.Options.Create(new BackplaneOptions { KeyPrefix = $"test-{Guid.NewGuid():N}" }),
            Microsoft.Extensions.Options.Options.Create(new ConversationOptions()), TimeProvider.System);
        var conversation = await store.StartAsync("alice", "gpt", "A title", DateTimeOffset.UtcNow).WaitAsync(Bound);
        Exception? refused;
        await using (var down = await SlotDownAsync(conversation.Id))
        {
            // Act
            refused = await Record.ExceptionAsync(() => store.GetAsync("alice", conversation.Id, CancellationToken.None).WaitAsync(Bound));
        }

        // Assert
        Assert.NotNull(refused);
        Assert.True(TransientRedis.IsTransient(refused), refused.ToString());
        Assert.NotNull(await store.GetAsync("alice", conversation.Id, CancellationToken.None).WaitAsync(Bound));
    }

    /// <summary>
    /// Takes the slot of <paramref name="hashTag"/> from its master, which then answers <c>CLUSTERDOWN</c> for it (checked
    /// here), until the returned handle serves it again; disposing it also waits until the cluster is whole again.
    /// </summary>
    private async Task<SlotTaken> SlotDownAsync(string hashTag)
    {
        var probe = (RedisKey)$"probe:{{{hashTag}}}";
        var slot = _admin.HashSlot(probe);
        var master = _admin.GetServer(_admin.GetServer(_admin.GetEndPoints()[0]).ClusterNodes()!.GetBySlot(slot)!.EndPoint!);
        await master.ExecuteAsync("CLUSTER", "DELSLOTS", slot);
        var taken = new SlotTaken(master, slot, cluster.Cluster);
        var refused = await Record.ExceptionAsync(() => _connection.GetDatabase().StringGetAsync(probe));
        if (refused is not RedisServerException { Message: var message } || !message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal))
        {
            await taken.DisposeAsync();
            Assert.Fail($"The cluster did not answer CLUSTERDOWN for the slot taken: {refused}");
        }

        return taken;
    }

    private sealed class SlotTaken(IServer master, int slot, RedisCluster cluster) : IAsyncDisposable
    {
        private bool _served;

        public async Task ServeAgainAsync()
        {
            await master.ExecuteAsync("CLUSTER", "ADDSLOTS", slot);
            _served = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_served)
            {
                await ServeAgainAsync();
            }

            await cluster.WaitUntilFormedAsync();
        }
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
