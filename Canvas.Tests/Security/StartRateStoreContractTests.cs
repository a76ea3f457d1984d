using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Backplane;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Canvas.Tests.Security;

/// <summary>
/// Security matrix, start limits: what every <see cref="IStartRateStore"/> does, in process and on Redis alike — a
/// burst, then one start per interval, each user on their own bucket — on a clock the test moves.
/// </summary>
public abstract class StartRateStoreContractTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Creates the store under test on <see cref="Clock"/>.</summary>
    protected abstract IStartRateStore CreateStore();

    [Fact]
    public async Task TryTake_PastTheBurst_IsRefusedWithTheWaitForTheNextStart()
    {
        // Arrange
        var store = CreateStore();
        var user = NewUser();

        // Act
        var first = await store.TryTakeAsync(user, Interval, burst: 2, CancellationToken.None);
        var second = await store.TryTakeAsync(user, Interval, burst: 2, CancellationToken.None);
        var third = await store.TryTakeAsync(user, Interval, burst: 2, CancellationToken.None);

        // Assert
        Assert.Null(first);
        Assert.Null(second);
        Assert.Equal(Interval, third);
    }

    [Fact]
    public async Task TryTake_AfterTheWait_IsAllowedOnceMore()
    {
        // Arrange
        var store = CreateStore();
        var user = NewUser();
        await store.TryTakeAsync(user, Interval, burst: 1, CancellationToken.None);
        var refused = await store.TryTakeAsync(user, Interval, burst: 1, CancellationToken.None);

        // Act
        Clock.Advance(refused!.Value);
        var afterTheWait = await store.TryTakeAsync(user, Interval, burst: 1, CancellationToken.None);
        var again = await store.TryTakeAsync(user, Interval, burst: 1, CancellationToken.None);

        // Assert
        Assert.Null(afterTheWait);
        Assert.Equal(Interval, again);
    }

    [Fact]
    public async Task TryTake_OneUserAtTheLimit_LeavesOtherUsersAlone()
    {
        // Arrange
        var store = CreateStore();
        var (alice, bob) = (NewUser(), NewUser());
        await store.TryTakeAsync(alice, Interval, burst: 1, CancellationToken.None);

        // Act
        var aliceAgain = await store.TryTakeAsync(alice, Interval, burst: 1, CancellationToken.None);
        var bobsFirst = await store.TryTakeAsync(bob, Interval, burst: 1, CancellationToken.None);

        // Assert
        Assert.NotNull(aliceAgain);
        Assert.Null(bobsFirst);
    }

    private static string NewUser() => $"user-{Guid.NewGuid():N}";
}

public sealed class InProcessStartRateStoreTests : StartRateStoreContractTests
{
    protected override IStartRateStore CreateStore() => new InProcessStartRateStore(Clock);
}

[Collection(RedisCollection.Name)]
public sealed class RedisStartRateStoreTests(RedisServerFixture redis) : StartRateStoreContractTests, IAsyncLifetime
{
    private StackExchange.Redis.ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await redis.ConnectAsync();

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    protected override IStartRateStore CreateStore() => new RedisStartRateStore(
        _connection, Options.Create(new BackplaneOptions { KeyPrefix = $"starts-{Guid.NewGuid():N}" }), Clock, NullLogger<RedisStartRateStore>.Instance);
}
