using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Generations;

/// <summary>
/// The start request ledgers: the first claim wins; only its own generation confirms it for longer or releases it;
/// an unconfirmed claim lapses after its first lifetime; a
/// claim is taken over only from the claim still held.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class StartRequestLedgerTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan WhileStarting = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryWindow = TimeSpan.FromMinutes(10);
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await redis.ConnectAsync();

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    public static TheoryData<string> Ledgers => ["in-memory", "redis"];

    [Theory]
    [MemberData(nameof(Ledgers))]
    public async Task ReleaseByAnotherGeneration_KeepsTheClaim_WhileItsOwnLetsTheNextClaimWin(string kind)
    {
        // Arrange
        var ledger = Create(kind);
        await ledger.ClaimAsync("u", "k", Claim("g_first"), WhileStarting, CancellationToken.None);

        // Act
        await ledger.ReleaseAsync("u", "k", Claim("g_other"), CancellationToken.None);
        var afterOtherRelease = await ledger.ClaimAsync("u", "k", Claim("g_second"), WhileStarting, CancellationToken.None);
        await ledger.ReleaseAsync("u", "k", Claim("g_first"), CancellationToken.None);
        var afterOwnRelease = await ledger.ClaimAsync("u", "k", Claim("g_third"), WhileStarting, CancellationToken.None);

        // Assert
        Assert.Equal(Claim("g_first"), afterOtherRelease);
        Assert.Equal(Claim("g_third"), afterOwnRelease);
    }

    [Fact]
    public async Task InMemory_AnUnconfirmedClaimLapsesAfterItsLifetime_AConfirmedOneHoldsForTheRetryWindow()
    {
        // Arrange
        var ledger = Create("in-memory");
        await ledger.ClaimAsync("u", "unconfirmed", Claim("g_died"), WhileStarting, CancellationToken.None);
        await ledger.ClaimAsync("u", "confirmed", Claim("g_started"), WhileStarting, CancellationToken.None);
        await ledger.ConfirmAsync("u", "confirmed", Claim("g_started"), RetryWindow, CancellationToken.None);
        await ledger.ConfirmAsync("u", "unconfirmed", Claim("g_other"), RetryWindow, CancellationToken.None);

        // Act
        _clock.Advance(WhileStarting + TimeSpan.FromSeconds(1));
        var unconfirmed = await ledger.ClaimAsync("u", "unconfirmed", Claim("g_retry"), WhileStarting, CancellationToken.None);
        var confirmed = await ledger.ClaimAsync("u", "confirmed", Claim("g_retry"), WhileStarting, CancellationToken.None);

        // Assert
        Assert.Equal(Claim("g_retry"), unconfirmed);
        Assert.Equal(Claim("g_started"), confirmed);
    }

    [Fact]
    public async Task Redis_OnlyItsOwnGenerationConfirmsAClaimForTheRetryWindow()
    {
        // Arrange
        var ledger = Create("redis");
        await ledger.ClaimAsync("u", "confirmed", Claim("g_started"), WhileStarting, CancellationToken.None);
        await ledger.ClaimAsync("u", "unconfirmed", Claim("g_died"), WhileStarting, CancellationToken.None);

        // Act
        await ledger.ConfirmAsync("u", "confirmed", Claim("g_started"), RetryWindow, CancellationToken.None);
        await ledger.ConfirmAsync("u", "unconfirmed", Claim("g_other"), RetryWindow, CancellationToken.None);

        // Assert
        var lifetimes = new List<TimeSpan?>();
        await foreach (var key in _connection.GetServer(_connection.GetEndPoints()[0]).KeysAsync(pattern: $"{_prefix}:start:*"))
        {
            lifetimes.Add(await _connection.GetDatabase().KeyTimeToLiveAsync(key));
        }

        Assert.Equal(2, lifetimes.Count);
        Assert.Single(lifetimes, ttl => ttl > WhileStarting);
        Assert.Single(lifetimes, ttl => ttl <= WhileStarting);
    }

    [Theory]
    [MemberData(nameof(Ledgers))]
    public async Task TakeOver_OfTheClaimStillHeld_Wins_WhileOfAnEarlierOneItLoses(string kind)
    {
        // Arrange
        var ledger = Create(kind);
        await ledger.ClaimAsync("u", "k", Claim("g_died"), WhileStarting, CancellationToken.None);

        // Act
        var first = await ledger.TakeOverAsync("u", "k", Claim("g_died"), Claim("g_retry"), WhileStarting, CancellationToken.None);
        var second = await ledger.TakeOverAsync("u", "k", Claim("g_died"), Claim("g_late"), WhileStarting, CancellationToken.None);
        var held = await ledger.ClaimAsync("u", "k", Claim("g_next"), WhileStarting, CancellationToken.None);

        // Assert
        Assert.True(first);
        Assert.False(second);
        Assert.Equal(Claim("g_retry"), held);
    }

    private static StartClaim Claim(string generationId) => new(generationId, "r_" + generationId[2..]);

    private IStartRequestLedger Create(string kind) => kind == "redis"
        ? new RedisStartRequestLedger(_connection, Options.Create(new BackplaneOptions { KeyPrefix = _prefix }))
        : new InMemoryStartRequestLedger(_clock);
}
