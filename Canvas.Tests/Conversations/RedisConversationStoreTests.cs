using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Conversations;

/// <summary>The conversation store contract, held by <see cref="RedisConversationStore"/> on a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConversationStoreTests(RedisServerFixture redis) : ConversationStoreContractTests
{
    private ConnectionMultiplexer? connection;

    /// <inheritdoc/>
    protected override async Task<IConversationStore> CreateStoreAsync(TimeProvider clock)
    {
        connection = await redis.ConnectAsync();
        var options = new BackplaneOptions { KeyPrefix = $"test-{Guid.NewGuid():N}" };
        return new RedisConversationStore(connection, Options.Create(options), clock);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
