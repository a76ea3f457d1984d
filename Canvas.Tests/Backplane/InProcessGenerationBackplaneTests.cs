using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>The backplane contract, held by <see cref="InProcessGenerationBackplane"/>.</summary>
public sealed class InProcessGenerationBackplaneTests : GenerationBackplaneContractTests
{
    // One process is one replica: a "peer" of an in-process backplane is the backplane itself.
    private readonly Dictionary<BackplaneOptions, InProcessGenerationBackplane> backplanes = [];

    /// <inheritdoc/>
    protected override Task<IGenerationBackplane> CreateBackplaneAsync(BackplaneOptions options)
    {
        var backplane = new InProcessGenerationBackplane(
            Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System,
            NullLogger<InProcessGenerationBackplane>.Instance);
        backplanes.Add(options, backplane);
        return Task.FromResult<IGenerationBackplane>(backplane);
    }

    /// <inheritdoc/>
    protected override Task<IGenerationBackplane> CreatePeerAsync(BackplaneOptions options) =>
        Task.FromResult<IGenerationBackplane>(backplanes[options]);

    /// <inheritdoc/>
    public override Task DisposeAsync()
    {
        foreach (var backplane in backplanes.Values)
        {
            backplane.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task FindAsync_FinishedGeneration_IsKeptForExactlyTheRetention()
    {
        // Arrange
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var options = NewOptions();
        using var backplane = OnClock(clock, options);
        var generationId = await CreateGenerationAsync(backplane);
        await AppendAllAsync(backplane, FullLog(generationId, deltas: 1));

        // Act
        clock.Advance(options.Retention - TimeSpan.FromMilliseconds(1));
        var justBefore = await backplane.FindAsync(generationId, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var atRetention = await backplane.FindAsync(generationId, CancellationToken.None);

        // Assert
        Assert.NotNull(justBefore);
        Assert.Null(atRetention);
    }

    [Fact]
    public async Task FindAsync_AbandonedGenerationNobodyRead_IsDroppedRetentionAfterItsLeaseExpired()
    {
        // Arrange
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var options = NewOptions();
        using var backplane = OnClock(clock, options);
        var generationId = await CreateGenerationAsync(backplane);
        await AppendAllAsync(backplane, [Meta(generationId)]);

        // Act
        clock.Advance(options.OwnerTimeout + options.Retention - TimeSpan.FromMilliseconds(1));
        var justBefore = await backplane.FindAsync(generationId, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var atExpiry = await backplane.FindAsync(generationId, CancellationToken.None);

        // Assert
        Assert.NotNull(justBefore);
        Assert.Null(atExpiry);
    }

    [Fact]
    public async Task ReadAsync_GenerationRunByThisProcess_IsNeverDeclaredLostHoweverLongItIsQuiet()
    {
        // Arrange: the runner of an owned generation never heartbeats; this process running is its lease.
        var (clock, options) = (new FakeTimeProvider(DateTimeOffset.UnixEpoch), MortalOptions());
        using var backplane = OnClock(clock, options);
        var record = await CreateOwnedGenerationAsync(backplane);
        var reader = new BackgroundReader(backplane, record.GenerationId, afterSeq: -1);
        await reader.FirstEvent.WaitAsync(Bound);

        // Act: ten owner timeouts of silence, then the answer ends.
        for (var i = 0; i < 10; i++)
        {
            clock.Advance(options.OwnerTimeout);
        }

        await AppendAllAsync(backplane, [Done(record.GenerationId, 1)]);

        // Assert
        Assert.Equal([Meta(record.GenerationId), Done(record.GenerationId, 1)], await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task FindAsync_GenerationRunByThisProcess_QuietPastItsLeaseAndTheRetention_IsStillKept()
    {
        // Arrange
        var (clock, options) = (new FakeTimeProvider(DateTimeOffset.UnixEpoch), MortalOptions());
        using var backplane = OnClock(clock, options);
        var record = await CreateOwnedGenerationAsync(backplane);

        // Act: a provider that thinks longer than a lease and the retention together, then answers.
        clock.Advance(options.OwnerTimeout + options.Retention + TimeSpan.FromSeconds(1));
        var found = await backplane.FindAsync(record.GenerationId, CancellationToken.None);
        var appended = await backplane.AppendAsync(Done(record.GenerationId, 1), CancellationToken.None);

        // Assert
        Assert.Equal(record, found);
        Assert.True(appended);
    }

    private static InProcessGenerationBackplane OnClock(TimeProvider clock, BackplaneOptions options) =>
        new(Microsoft.Extensions.Options.Options.Create(options), clock, NullLogger<InProcessGenerationBackplane>.Instance);

    // A generation this process runs, its meta appended.
    private static async Task<GenerationRecord> CreateOwnedGenerationAsync(IGenerationBackplane backplane)
    {
        var record = NewRecord() with { OwnerReplicaId = new ReplicaIdentity().Id };
        await backplane.CreateAsync(record, CancellationToken.None);
        await AppendAllAsync(backplane, [Meta(record.GenerationId)]);
        return record;
    }
}
