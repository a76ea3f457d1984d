using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;
using Canvas.Tests.Conversations;
using Canvas.Tests.Infrastructure;
using StackExchange.Redis;

namespace Canvas.Tests.Cluster;

/// <summary>
/// The conversation store contract on a 3-master Redis Cluster: a conversation's keys share its hash tag, a user's
/// index has its own, and listing reads each conversation on its own slot.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterConversationStoreTests(RedisClusterFixture cluster) : ConversationStoreContractTests
{
    private ConnectionMultiplexer? _connection;

    /// <inheritdoc/>
    protected override async Task<IConversationStore> CreateStoreAsync(TimeProvider clock, ConversationOptions options)
    {
        _connection = await cluster.ConnectAsync();
        return new RedisConversationStore(
            _connection, Microsoft.Extensions.Options.Options.Create(new BackplaneOptions { KeyPrefix = $"test-{Guid.NewGuid():N}" }),
            Microsoft.Extensions.Options.Options.Create(options), clock);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
