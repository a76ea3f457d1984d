using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Auth;

/// <summary>
/// What every <see cref="IWebSocketTicketStore"/> must do. Each implementation's test class derives from this
/// and says how to build the store and how to let time pass for it.
/// </summary>
public abstract class WebSocketTicketStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly WebSocketTicketGrant Grant = new("user-1", "Ada");

    /// <summary>Gets the store under test.</summary>
    protected IWebSocketTicketStore Store { get; private set; } = null!;

    /// <summary>Creates a store over storage of its own.</summary>
    protected abstract Task<IWebSocketTicketStore> CreateStoreAsync();

    /// <summary>Lets <paramref name="duration"/> pass as the store sees time.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    /// <inheritdoc/>
    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    /// <inheritdoc/>
    public abstract Task DisposeAsync();

    [Fact]
    public async Task RedeemAsync_StoredTicket_ReturnsItsGrant()
    {
        // Arrange
        var ticket = Ids.NewTicket();
        await Store.StoreAsync(ticket, Grant, TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(Bound);

        // Act
        var redeemed = await Store.RedeemAsync(ticket, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(Grant, redeemed);
    }

    [Fact]
    public async Task RedeemAsync_SecondTime_ReturnsNull()
    {
        // Arrange
        var ticket = Ids.NewTicket();
        await Store.StoreAsync(ticket, Grant, TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(Bound);
        await Store.RedeemAsync(ticket, CancellationToken.None).WaitAsync(Bound);

        // Act
        var again = await Store.RedeemAsync(ticket, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Null(again);
    }

    [Fact]
    public async Task RedeemAsync_ManyAtOnce_ExactlyOneGetsTheGrant()
    {
        // Arrange
        var ticket = Ids.NewTicket();
        await Store.StoreAsync(ticket, Grant, TimeSpan.FromMinutes(1), CancellationToken.None).WaitAsync(Bound);

        // Act
        var redeemed = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() => Store.RedeemAsync(ticket, CancellationToken.None))))
            .WaitAsync(Bound);

        // Assert
        Assert.Single(redeemed, grant => grant is not null);
    }

    [Fact]
    public async Task RedeemAsync_UnknownTicket_ReturnsNull()
    {
        // Act
        var redeemed = await Store.RedeemAsync(Ids.NewTicket(), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Null(redeemed);
    }

    [Fact]
    public async Task RedeemAsync_AfterTheLifetime_ReturnsNull()
    {
        // Arrange
        var ticket = Ids.NewTicket();
        await Store.StoreAsync(ticket, Grant, TimeSpan.FromMilliseconds(200), CancellationToken.None).WaitAsync(Bound);

        // Act
        await LetTimePassAsync(TimeSpan.FromMilliseconds(400));
        var redeemed = await Store.RedeemAsync(ticket, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Null(redeemed);
    }

    [Fact]
    public void NewTicket_IsUrlSafeAndUnique()
    {
        // Act
        var tickets = Enumerable.Range(0, 100).Select(_ => Ids.NewTicket()).ToList();

        // Assert
        Assert.All(tickets, ticket => Assert.Matches("^[A-Za-z0-9_-]{43}$", ticket));
        Assert.Equal(tickets.Count, tickets.Distinct().Count());
    }
}
