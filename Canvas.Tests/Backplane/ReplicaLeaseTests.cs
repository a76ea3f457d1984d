using System.Diagnostics;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>
/// A replica's generations live as long as the replica does: one lease per replica, renewed on a thread of its
/// own, keeps them alive however busy the replica is, and lapses only when the replica stops. The bound on
/// detecting a stopped replica is <see cref="BackplaneOptions.OwnerTimeout"/> plus five heartbeat intervals (the
/// lease's last renewal, a reader's quiet period, which may run twice, its cached view of the lease, and the two
/// intervals a missing lease must stay missing before it counts).
/// </summary>
[Collection(SaturationCollection.Name)]
public sealed class ReplicaLeaseTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly List<ConnectionMultiplexer> connections = [];
    private readonly BackplaneOptions options = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        OwnerTimeout = TimeSpan.FromMilliseconds(800),
        Retention = TimeSpan.FromMinutes(5),
        KeyPrefix = $"test-{Guid.NewGuid():N}",
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_OwnerReplicaSaturatedLongerThanTheOwnerTimeout_EveryAnswerArrivesWholeAndNoneIsLost()
    {
        // Arrange: 50 generations run by replica A, each followed by a reader on replica B. Under a starved thread
        // pool a renewal waits for the runtime to inject a thread (about every half second), so the lease is a few
        // of those long.
        options.OwnerTimeout = TimeSpan.FromSeconds(3);
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica);
        using var peer = await CreateBackplaneAsync(new ReplicaIdentity());
        var generations = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            generations.Add(await CreateOwnedGenerationAsync(owner, replica));
        }

        var readers = generations.Select(id => Task.Run(() => ReadToEndAsync(peer, id))).ToList();

        // Act: every core spinning and the thread pool blocked for two owner timeouts, then the answers finish.
        await SaturateAsync(2 * options.OwnerTimeout);
        foreach (var generationId in generations)
        {
            Assert.True(await owner.AppendAsync(Delta(generationId, 1), CancellationToken.None).WaitAsync(Bound));
            Assert.True(await owner.AppendAsync(Done(generationId, 2), CancellationToken.None).WaitAsync(Bound));
        }

        var results = await Task.WhenAll(readers).WaitAsync(Bound);

        // Assert: the generations' own leases lapsed during the saturation; the replica's lease carried them.
        var database = connections[0].GetDatabase();
        Assert.False(await database.KeyExistsAsync($"{options.KeyPrefix}:gen:{{{generations[0]}}}:lease"));
        Assert.All(results.Zip(generations), pair =>
            Assert.Equal([Meta(pair.Second), Delta(pair.Second, 1), Done(pair.Second, 2)], pair.First));
    }

    [Fact]
    public async Task ReadAsync_OwnerReplicaStops_EveryReaderEndsWithOneRetryableGenerationLost()
    {
        // Arrange
        var replica = new ReplicaIdentity();
        var owner = await CreateBackplaneAsync(replica);
        using var peer = await CreateBackplaneAsync(new ReplicaIdentity());
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        Assert.True(await owner.AppendAsync(Delta(generationId, 1), CancellationToken.None).WaitAsync(Bound));
        var readers = new[] { -1L, 0, 1 }.Select(after => Task.Run(() => ReadToEndAsync(peer, generationId, after))).ToList();

        // Act: the replica stops renewing its lease, as a killed process would.
        owner.Dispose();
        var results = await Task.WhenAll(readers).WaitAsync(Bound);

        // Assert
        var lost = Assert.IsType<ErrorEvent>(results[0][^1]);
        Assert.Equal(ErrorCodes.GenerationLost, lost.Code);
        Assert.True(lost.Retryable);
        Assert.Equal(2, lost.Seq);
        Assert.All(results, read => Assert.Equal(lost, read[^1]));
        Assert.False(await owner.AppendAsync(Done(generationId, 2), CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task EndIfRunnerLostAsync_LeaseKeysVanishWhileTheOwnerStillRenews_TheGenerationIsNotDeclaredLost()
    {
        // Arrange: a renewal once a second, so the check below runs long before the owner puts its lease back.
        options.HeartbeatInterval = TimeSpan.FromSeconds(1);
        options.OwnerTimeout = TimeSpan.FromSeconds(3);
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica);
        using var peer = await CreateBackplaneAsync(new ReplicaIdentity());
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var database = connections[0].GetDatabase();

        // Act: the node holding the leases forgets them (a Cluster node restarted or failed over), the owner lives on.
        await database.KeyDeleteAsync([$"{options.KeyPrefix}:replica:{{{replica.Id}}}", $"{options.KeyPrefix}:gen:{{{generationId}}}:lease"]);
        var declaredLost = await peer.EndIfRunnerLostAsync(generationId, lastSeq: 0, CancellationToken.None).WaitAsync(Bound);

        // Assert: the owner's next renewal is still to come, so the answer runs on and ends as its runner says.
        Assert.False(declaredLost);
        Assert.True(await owner.AppendAsync(Done(generationId, 1), CancellationToken.None).WaitAsync(Bound));
        Assert.Equal([Meta(generationId), Done(generationId, 1)], await ReadToEndAsync(peer, generationId));
    }

    [Fact]
    public async Task ReadAsync_OnTheOwnerReplica_IsFedInProcessWithTheEventsTheLogAccepted()
    {
        // Arrange
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica);
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var early = Task.Run(() => ReadToEndAsync(owner, generationId));

        // Act
        Assert.True(await owner.AppendAsync(Delta(generationId, 1), CancellationToken.None).WaitAsync(Bound));
        var late = Task.Run(() => ReadToEndAsync(owner, generationId, afterSeq: 0));
        Assert.False(await owner.AppendAsync(Delta(generationId, 3), CancellationToken.None).WaitAsync(Bound));
        Assert.True(await owner.AppendAsync(Done(generationId, 2), CancellationToken.None).WaitAsync(Bound));

        // Assert: the refused seq 3 reached nobody; the finished log replays the same from Redis.
        Assert.Equal([Meta(generationId), Delta(generationId, 1), Done(generationId, 2)], await early.WaitAsync(Bound));
        Assert.Equal([Delta(generationId, 1), Done(generationId, 2)], await late.WaitAsync(Bound));
        Assert.Equal([Meta(generationId), Delta(generationId, 1), Done(generationId, 2)], await ReadToEndAsync(owner, generationId));
    }

    private async Task<RedisGenerationBackplane> CreateBackplaneAsync(ReplicaIdentity replica)
    {
        var connection = await redis.ConnectAsync();
        connections.Add(connection);
        return new RedisGenerationBackplane(
            connection, Microsoft.Extensions.Options.Options.Create(options), replica, NullLogger<RedisGenerationBackplane>.Instance);
    }

    private static async Task<List<GenerationEvent>> ReadToEndAsync(IGenerationBackplane backplane, string generationId, long afterSeq = -1)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var read = new List<GenerationEvent>();
        await foreach (var generationEvent in backplane.ReadAsync(generationId, afterSeq, timeout.Token))
        {
            read.Add(generationEvent);
        }

        return read;
    }

    /// <summary>
    /// Spins every core and blocks every thread-pool thread (and the ones the pool injects meanwhile) until
    /// <paramref name="duration"/> has passed: the shape of a replica drowning in work.
    /// </summary>
    private static async Task SaturateAsync(TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var spinners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ =>
        {
            var spinner = new Thread(() =>
            {
                while (Stopwatch.GetTimestamp() < until)
                {
                }
            }) { IsBackground = true };
            spinner.Start();
            return spinner;
        }).ToList();
        var blockers = Enumerable.Range(0, 256).Select(_ => Task.Run(() =>
        {
            var left = until - Stopwatch.GetTimestamp();
            if (left > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            }
        }));
        await Task.WhenAll(blockers);
        spinners.ForEach(spinner => spinner.Join());
    }

    private static DeltaEvent Delta(string generationId, long seq) => new() { GenerationId = generationId, Seq = seq, Text = $"t{seq} " };

    private static DoneEvent Done(string generationId, long seq) => new()
    {
        GenerationId = generationId,
        Seq = seq,
        FinishReason = FinishReasons.Stop,
        Timings = new GenerationTimings(1, 2),
    };
}

/// <summary>
/// Tests that saturate the process's cores and thread pool: they run alone, never beside another test whose
/// waits they would stretch, and share the Redis server of <see cref="RedisCollection"/>'s kind.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SaturationCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>The collection's name, for <c>[Collection(SaturationCollection.Name)]</c>.</summary>
    public const string Name = "saturation";
}
