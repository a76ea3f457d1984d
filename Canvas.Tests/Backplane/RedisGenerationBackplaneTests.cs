using System.Text.Json;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>
/// The backplane contract, held by <see cref="RedisGenerationBackplane"/> on a real redis-server, where every
/// peer has its own multiplexer as a separate replica would; plus what only the Redis layout must guarantee.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisGenerationBackplaneTests(RedisServerFixture redis) : GenerationBackplaneContractTests
{
    private readonly List<ConnectionMultiplexer> connections = [];

    /// <inheritdoc/>
    protected override Task<IGenerationBackplane> CreateBackplaneAsync(BackplaneOptions options) => CreatePeerAsync(options);

    /// <inheritdoc/>
    protected override async Task<IGenerationBackplane> CreatePeerAsync(BackplaneOptions options) =>
        new RedisGenerationBackplane(
            await ConnectAsync(),
            Microsoft.Extensions.Options.Options.Create(options),
            NullLogger<RedisGenerationBackplane>.Instance);

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_EventsStoredWithoutAnnouncement_AreStillDelivered()
    {
        // Arrange: pub/sub drops every message, as during a reconnect.
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId)]);
        var reader = new BackgroundReader(Backplane, generationId, afterSeq: -1);
        await reader.FirstEvent.WaitAsync(Bound);
        var database = (await ConnectAsync()).GetDatabase();

        // Act
        await AddSilentlyAsync(database, Delta(generationId, 1));
        await AddSilentlyAsync(database, Done(generationId, 2));

        // Assert
        Assert.Equal([Meta(generationId), Delta(generationId, 1), Done(generationId, 2)], await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadAsync_AnnouncementAfterALostOne_FillsTheGapFromTheLog()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId)]);
        var reader = new BackgroundReader(Backplane, generationId, afterSeq: -1);
        await reader.FirstEvent.WaitAsync(Bound);
        var database = (await ConnectAsync()).GetDatabase();

        // Act: seq 1 is never announced, seq 2 is.
        await AddSilentlyAsync(database, Delta(generationId, 1));
        await AppendAllAsync(Backplane, [Done(generationId, 2)]);

        // Assert
        Assert.Equal([Meta(generationId), Delta(generationId, 1), Done(generationId, 2)], await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task Keys_OfOneGeneration_AreHashTaggedIntoOneSlot()
    {
        // Arrange
        var connection = await ConnectAsync();
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId)]);
        await Backplane.RequestCancelAsync(generationId, CancellationToken.None).WaitAsync(Bound);

        // Act
        var keys = connection.GetServer(redis.ConnectionString).Keys(pattern: $"{Options.KeyPrefix}:*").ToList();

        // Assert
        Assert.Equal(4, keys.Count);
        Assert.All(keys, key => Assert.StartsWith($"{Options.KeyPrefix}:gen:{{{generationId}}}:", key.ToString()));
        Assert.Single(keys.Select(key => connection.HashSlot(key)).Distinct());
    }

    [Fact]
    public async Task AppendAsync_TerminalEvent_GivesLogAndRecordTheRetentionTtlAndDropsTheLease()
    {
        // Arrange
        var database = (await ConnectAsync()).GetDatabase();
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId)]);
        var stem = $"{Options.KeyPrefix}:gen:{{{generationId}}}";
        var runningTtl = await database.KeyTimeToLiveAsync($"{stem}:log").WaitAsync(Bound);

        // Act
        await AppendAllAsync(Backplane, [Done(generationId, 1)]);

        // Assert
        Assert.InRange(runningTtl!.Value, Options.Retention, Options.Retention + Options.OwnerTimeout);
        Assert.InRange((await database.KeyTimeToLiveAsync($"{stem}:log").WaitAsync(Bound))!.Value, TimeSpan.FromTicks(1), Options.Retention);
        Assert.InRange((await database.KeyTimeToLiveAsync($"{stem}:rec").WaitAsync(Bound))!.Value, TimeSpan.FromTicks(1), Options.Retention);
        Assert.False(await database.KeyExistsAsync($"{stem}:lease").WaitAsync(Bound));
    }

    [Fact]
    public async Task AppendAsync_RunningGenerationWithLessThanTheRetentionLeft_GivesLogAndRecordTheRunningTtlAgain()
    {
        // Arrange: a long answer whose keys are close to expiring.
        var database = (await ConnectAsync()).GetDatabase();
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId)]);
        var stem = $"{Options.KeyPrefix}:gen:{{{generationId}}}";
        var almostGone = Options.Retention / 2;
        await database.KeyExpireAsync($"{stem}:log", almostGone).WaitAsync(Bound);
        await database.KeyExpireAsync($"{stem}:rec", almostGone).WaitAsync(Bound);

        // Act
        await AppendAllAsync(Backplane, [Delta(generationId, 1)]);

        // Assert
        Assert.InRange((await database.KeyTimeToLiveAsync($"{stem}:log").WaitAsync(Bound))!.Value, Options.Retention, Options.Retention + Options.OwnerTimeout);
        Assert.InRange((await database.KeyTimeToLiveAsync($"{stem}:rec").WaitAsync(Bound))!.Value, Options.Retention, Options.Retention + Options.OwnerTimeout);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var connection = await redis.ConnectAsync();
        connections.Add(connection);
        return connection;
    }

    // Writes the stream entry exactly as the backplane does, but announces nothing.
    private async Task AddSilentlyAsync(IDatabase database, GenerationEvent generationEvent)
    {
        var json = JsonSerializer.Serialize(generationEvent, CanvasJsonContext.Default.GenerationEvent);
        NameValueEntry[] fields = generationEvent.IsTerminal ? [new("e", json), new("end", 1)] : [new("e", json)];
        await database.StreamAddAsync(
                $"{Options.KeyPrefix}:gen:{{{generationEvent.GenerationId}}}:log", fields, messageId: $"{generationEvent.Seq}-1")
            .WaitAsync(Bound);
    }
}
