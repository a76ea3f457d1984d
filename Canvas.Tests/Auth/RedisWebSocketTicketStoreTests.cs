using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Auth;

/// <summary>
/// The ticket store contract, held by <see cref="RedisWebSocketTicketStore"/> on a real redis-server, whose own
/// key expiry decides the lifetime.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisWebSocketTicketStoreTests(RedisServerFixture redis) : WebSocketTicketStoreContractTests
{
    private readonly BackplaneOptions options = new() { KeyPrefix = $"test-{Guid.NewGuid():N}" };
    private readonly List<ConnectionMultiplexer> connections = [];

    /// <inheritdoc/>
    protected override async Task<IWebSocketTicketStore> CreateStoreAsync() =>
        new RedisWebSocketTicketStore(await ConnectAsync(), Options.Create(options));

    /// <inheritdoc/>
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration);

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task RedeemAsync_TicketStoredOnAnotherReplica_ReturnsItsGrant()
    {
        // Arrange
        var otherReplica = new RedisWebSocketTicketStore(await ConnectAsync(), Options.Create(options));
        var ticket = Ids.NewTicket();
        var grant = new WebSocketTicketGrant("user-2", null);
        await otherReplica.StoreAsync(ticket, grant, TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(Bound);

        // Act
        var redeemed = await Store.RedeemAsync(ticket, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(grant, redeemed);
    }

    [Fact]
    public async Task StoreAsync_KeepsNoTicketInAKeyName()
    {
        // Arrange
        var connection = await ConnectAsync();
        var ticket = Ids.NewTicket();

        // Act
        await Store.StoreAsync(ticket, new WebSocketTicketGrant("user-3", null), TimeSpan.FromMinutes(1), CancellationToken.None)
            .WaitAsync(Bound);

        // Assert
        var key = Assert.Single(connection.GetServer(redis.ConnectionString).Keys(pattern: $"{options.KeyPrefix}:*"));
        Assert.DoesNotContain(ticket, key.ToString());
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var connection = await redis.ConnectAsync();
        connections.Add(connection);
        return connection;
    }
}
