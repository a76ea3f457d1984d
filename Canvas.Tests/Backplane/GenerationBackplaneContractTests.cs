using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>
/// What every <see cref="IGenerationBackplane"/> must do. Each implementation's test class derives from this and
/// only says how to build the backplane and a second replica over the same storage.
/// </summary>
public abstract class GenerationBackplaneContractTests : IAsyncLifetime
{
    /// <summary>How long any single wait in these tests may take before the test fails instead of hanging.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Gets the options of <see cref="Backplane"/>: short lease, long retention, a prefix of its own.</summary>
    protected BackplaneOptions Options { get; } = NewOptions();

    /// <summary>Gets the backplane under test (replica A).</summary>
    protected IGenerationBackplane Backplane { get; private set; } = null!;

    /// <summary>Creates a backplane over storage of its own.</summary>
    protected abstract Task<IGenerationBackplane> CreateBackplaneAsync(BackplaneOptions options);

    /// <summary>Creates another replica over the storage of the backplane created with <paramref name="options"/>.</summary>
    protected abstract Task<IGenerationBackplane> CreatePeerAsync(BackplaneOptions options);

    /// <inheritdoc/>
    public async Task InitializeAsync() => Backplane = await CreateBackplaneAsync(Options);

    /// <inheritdoc/>
    public abstract Task DisposeAsync();

    [Fact]
    public async Task AppendAsync_EventsInSeqOrder_ReadYieldsThemInOrderEndingWithTheTerminalEvent()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 5);

        // Act
        var appended = new List<bool>();
        foreach (var generationEvent in log)
        {
            appended.Add(await Backplane.AppendAsync(generationEvent, CancellationToken.None).WaitAsync(Bound));
        }

        var read = await ReadToEndAsync(Backplane, generationId, afterSeq: -1);

        // Assert
        Assert.All(appended, Assert.True);
        Assert.Equal(log, read);
    }

    [Fact]
    public async Task CreateWithMetaAsync_EveryReplicaReadsMetaFirst_AndTheAnswerAppendsAfterIt()
    {
        // Arrange
        var record = NewRecord();
        var log = FullLog(record.GenerationId, deltas: 2);
        var peer = await CreatePeerAsync(Options);

        // Act
        await Backplane.CreateWithMetaAsync(record, (MetaEvent)log[0], CancellationToken.None).WaitAsync(Bound);
        var found = await peer.FindAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound);
        var storedFirst = await peer.ReadStoredAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound);
        await AppendAllAsync(Backplane, log.Skip(1));

        // Assert
        Assert.Equal(record, found);
        Assert.Equal([log[0]], storedFirst);
        Assert.Equal(log, await ReadToEndAsync(Backplane, record.GenerationId, afterSeq: -1));
        Assert.Equal(log, await ReadToEndAsync(peer, record.GenerationId, afterSeq: -1));
    }

    [Fact]
    public async Task CreateWithMetaAsync_IdTaken_ThrowsAndWritesNothing()
    {
        // Arrange
        var record = NewRecord();
        await Backplane.CreateAsync(record, CancellationToken.None).WaitAsync(Bound);

        // Act
        var creating = Backplane.CreateWithMetaAsync(record with { UserId = "user-2" }, Meta(record.GenerationId), CancellationToken.None);

        // Assert
        await Assert.ThrowsAsync<InvalidOperationException>(() => creating.WaitAsync(Bound));
        Assert.Equal(record, await Backplane.FindAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound));
        Assert.Empty(await Backplane.ReadStoredAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task AppendAsync_SameSeqTwice_RefusesTheSecondAndKeepsTheFirst()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId), Delta(generationId, 1)]);
        var rival = Delta(generationId, 1) with { Text = "rival" };

        // Act
        var appended = await Backplane.AppendAsync(rival, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
        var stored = await Backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        Assert.Equal([Meta(generationId), Delta(generationId, 1)], stored);
    }

    [Fact]
    public async Task AppendAsync_SeqBeyondTheNext_IsRefused()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId)]);

        // Act
        var appended = await Backplane.AppendAsync(Delta(generationId, 2), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
        Assert.Single(await Backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task AppendAsync_AfterTheTerminalEvent_IsRefused()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        await AppendAllAsync(Backplane, [Meta(generationId), Done(generationId, 1)]);

        // Act
        var appended = await Backplane.AppendAsync(Delta(generationId, 2), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
    }

    [Fact]
    public async Task AppendAsync_UnknownGeneration_IsRefused()
    {
        // Arrange
        var generationId = Ids.NewGenerationId();

        // Act
        var appended = await Backplane.AppendAsync(Meta(generationId), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
    }

    [Fact]
    public async Task ReadAsync_FromEveryResumePoint_YieldsExactlyTheLaterEvents()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 6);
        await AppendAllAsync(Backplane, log);

        for (var afterSeq = -1L; afterSeq < log.Count; afterSeq++)
        {
            // Act
            var read = await ReadToEndAsync(Backplane, generationId, afterSeq);

            // Assert
            Assert.Equal(log.Where(e => e.Seq > afterSeq), read);
        }
    }

    [Fact]
    public async Task ReadAsync_StartedBeforeAnyEvent_ReceivesEveryEventLive()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 10);
        var reader = new BackgroundReader(Backplane, generationId, afterSeq: -1);

        // Act
        await AppendAllAsync(Backplane, log.Take(1));
        await reader.FirstEvent.WaitAsync(Bound);
        await AppendAllAsync(Backplane, log.Skip(1));

        // Assert
        Assert.Equal(log, await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadAsync_StartedMidStream_ReceivesStoredThenLiveWithoutGapOrDuplicate()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 10);
        await AppendAllAsync(Backplane, log.Take(5));

        // Act
        var reader = new BackgroundReader(Backplane, generationId, afterSeq: 2);
        await reader.FirstEvent.WaitAsync(Bound);
        await AppendAllAsync(Backplane, log.Skip(5));

        // Assert
        Assert.Equal(log.Where(e => e.Seq > 2), await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadAsync_ManyReadersOnTwoReplicas_SeeIdenticalSequences()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var peer = await CreatePeerAsync(Options);
        var log = FullLog(generationId, deltas: 40);
        var early = Enumerable.Range(0, 6)
            .Select(i => new BackgroundReader(i % 2 == 0 ? Backplane : peer, generationId, afterSeq: -1))
            .ToList();

        // Act
        await AppendAllAsync(Backplane, log.Take(20));
        var late = Enumerable.Range(0, 4)
            .Select(i => new BackgroundReader(i % 2 == 0 ? Backplane : peer, generationId, afterSeq: i < 2 ? -1 : 10))
            .ToList();
        await AppendAllAsync(Backplane, log.Skip(20));
        var earlyResults = await Task.WhenAll(early.Select(r => r.Completion)).WaitAsync(Bound);
        var lateResults = await Task.WhenAll(late.Select(r => r.Completion)).WaitAsync(Bound);

        // Assert
        Assert.All(earlyResults, read => Assert.Equal(log, read));
        Assert.Equal(log, lateResults[0]);
        Assert.Equal(log, lateResults[1]);
        Assert.Equal(log.Where(e => e.Seq > 10), lateResults[2]);
        Assert.Equal(log.Where(e => e.Seq > 10), lateResults[3]);
    }

    [Fact]
    public async Task ReadAsync_ReaderOnAnotherReplica_ReceivesLiveEvents()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var peer = await CreatePeerAsync(Options);
        var log = FullLog(generationId, deltas: 5);
        await AppendAllAsync(Backplane, log.Take(1));
        var reader = new BackgroundReader(peer, generationId, afterSeq: -1);
        await reader.FirstEvent.WaitAsync(Bound);

        // Act
        await AppendAllAsync(Backplane, log.Skip(1));

        // Assert
        Assert.Equal(log, await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadAsync_FinishedGeneration_ReplaysTheWholeLog()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 3);
        await AppendAllAsync(Backplane, log);

        // Act
        var first = await ReadToEndAsync(Backplane, generationId, afterSeq: -1);
        var second = await ReadToEndAsync(Backplane, generationId, afterSeq: -1);

        // Assert
        Assert.Equal(log, first);
        Assert.Equal(log, second);
    }

    [Fact]
    public async Task ReadAsync_ResumedAtTheTerminalEvent_YieldsNothing()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 2);
        await AppendAllAsync(Backplane, log);

        // Act
        var read = await ReadToEndAsync(Backplane, generationId, afterSeq: log[^1].Seq);

        // Assert
        Assert.Empty(read);
    }

    [Fact]
    public async Task ReadAsync_UnknownGeneration_YieldsNothing()
    {
        // Arrange
        var generationId = Ids.NewGenerationId();

        // Act
        var read = await ReadToEndAsync(Backplane, generationId, afterSeq: -1);

        // Assert
        Assert.Empty(read);
    }

    [Fact]
    public async Task ReadAsync_RunnerStopsHeartbeating_EveryReaderEndsWithTheSameSingleGenerationLost()
    {
        // Arrange
        var options = MortalOptions();
        var backplane = await CreateBackplaneAsync(options);
        var generationId = await CreateGenerationAsync(backplane);
        var peer = await CreatePeerAsync(options);
        await AppendAllAsync(backplane, [Meta(generationId), Delta(generationId, 1)]);
        var readers = new[]
        {
            new BackgroundReader(backplane, generationId, afterSeq: -1),
            new BackgroundReader(backplane, generationId, afterSeq: 0),
            new BackgroundReader(peer, generationId, afterSeq: -1),
            new BackgroundReader(peer, generationId, afterSeq: 1),
        };

        // Act: the runner never heartbeats again.
        var results = await Task.WhenAll(readers.Select(r => r.Completion)).WaitAsync(Bound);

        // Assert
        var lost = Assert.IsType<ErrorEvent>(results[0][^1]);
        Assert.Equal(ErrorCodes.GenerationLost, lost.Code);
        Assert.True(lost.Retryable);
        Assert.Equal(2, lost.Seq);
        Assert.All(results, read => Assert.Equal(lost, read[^1]));
        var stored = await backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        Assert.Single(stored.OfType<ErrorEvent>());
    }

    [Fact]
    public async Task AppendAsync_RunnerDeclaredLost_ItsLaterAppendsAreRefused()
    {
        // Arrange
        var backplane = await CreateBackplaneAsync(MortalOptions());
        var generationId = await CreateGenerationAsync(backplane);
        await AppendAllAsync(backplane, [Meta(generationId)]);
        await ReadToEndAsync(backplane, generationId, afterSeq: -1);

        // Act
        var nextAppended = await backplane.AppendAsync(Delta(generationId, 1), CancellationToken.None).WaitAsync(Bound);
        var afterAppended = await backplane.AppendAsync(Delta(generationId, 2), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(nextAppended);
        Assert.False(afterAppended);
    }

    [Fact]
    public async Task ReadAsync_RunnerKeepsHeartbeating_IsNotDeclaredLost()
    {
        // Arrange: a lease thirty heartbeats long, so only a stall of seconds (not a busy test machine) could break it.
        var patient = NewOptions();
        patient.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        patient.OwnerTimeout = TimeSpan.FromSeconds(3);
        var backplane = await CreateBackplaneAsync(patient);
        var generationId = await CreateGenerationAsync(backplane);
        await AppendAllAsync(backplane, [Meta(generationId)]);
        var reader = new BackgroundReader(backplane, generationId, afterSeq: -1);

        // Act: stay silent for two owner timeouts, heartbeating as a runner does.
        var silence = DateTime.UtcNow + 2 * patient.OwnerTimeout;
        while (DateTime.UtcNow < silence)
        {
            await backplane.HeartbeatAsync(generationId, CancellationToken.None).WaitAsync(Bound);
            await Task.Delay(patient.HeartbeatInterval);
        }

        var doneAppended = await backplane.AppendAsync(Done(generationId, 1), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(doneAppended);
        Assert.Equal([Meta(generationId), Done(generationId, 1)], await reader.Completion.WaitAsync(Bound));
    }

    [Fact]
    public async Task SubscribeCancelAsync_CancelRequestedOnAnotherReplica_CallsTheCallbackOnce()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var peer = await CreatePeerAsync(Options);
        var calls = 0;
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await Backplane.SubscribeCancelAsync(
            generationId,
            () =>
            {
                Interlocked.Increment(ref calls);
                called.TrySetResult();
            },
            CancellationToken.None).WaitAsync(Bound);

        // Act
        await peer.RequestCancelAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        await peer.RequestCancelAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        await called.Task.WaitAsync(Bound);

        // Assert
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task SubscribeCancelAsync_CancelRequestedBeforeSubscribing_CallsTheCallback()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var peer = await CreatePeerAsync(Options);
        await peer.RequestCancelAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act
        await using var subscription = await Backplane.SubscribeCancelAsync(
            generationId, () => called.TrySetResult(), CancellationToken.None).WaitAsync(Bound);

        // Assert
        await called.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task FindAsync_CreatedGeneration_ReturnsItsRecordOnEveryReplica()
    {
        // Arrange
        var record = NewRecord();
        var peer = await CreatePeerAsync(Options);

        // Act
        await Backplane.CreateAsync(record, CancellationToken.None).WaitAsync(Bound);
        var found = await peer.FindAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(record, found);
    }

    [Fact]
    public async Task FindAsync_UnknownGeneration_ReturnsNull()
    {
        // Act
        var found = await Backplane.FindAsync(Ids.NewGenerationId(), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Null(found);
    }

    [Fact]
    public async Task CreateAsync_ExistingGenerationId_Throws()
    {
        // Arrange
        var record = NewRecord();
        await Backplane.CreateAsync(record, CancellationToken.None).WaitAsync(Bound);

        // Act
        var create = () => Backplane.CreateAsync(record with { UserId = "someone-else" }, CancellationToken.None).WaitAsync(Bound);

        // Assert
        await Assert.ThrowsAsync<InvalidOperationException>(create);
        Assert.Equal(record, await Backplane.FindAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadStoredAsync_RunningGeneration_ReturnsTheEventsSoFarWithoutWaiting()
    {
        // Arrange
        var generationId = await CreateGenerationAsync(Backplane);
        var log = FullLog(generationId, deltas: 3);
        await AppendAllAsync(Backplane, log.Take(3));

        // Act
        var stored = await Backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(log.Take(3), stored);
    }

    [Fact]
    public async Task ReadMetaAsync_ReturnsTheMetaOnEveryReplica_WhileAndAfterTheAnswerIsAppended_AndNullWithoutOne()
    {
        // Arrange
        var record = NewRecord();
        var log = FullLog(record.GenerationId, deltas: 3);
        var withoutMeta = await CreateGenerationAsync(Backplane);
        var peer = await CreatePeerAsync(Options);
        await Backplane.CreateWithMetaAsync(record, (MetaEvent)log[0], CancellationToken.None).WaitAsync(Bound);

        // Act
        var beforeTheAnswer = await peer.ReadMetaAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound);
        await AppendAllAsync(Backplane, log.Skip(1));
        var afterTheAnswer = await peer.ReadMetaAsync(record.GenerationId, CancellationToken.None).WaitAsync(Bound);
        var notStoredYet = await Backplane.ReadMetaAsync(withoutMeta, CancellationToken.None).WaitAsync(Bound);
        var unknown = await Backplane.ReadMetaAsync(Ids.NewGenerationId(), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(log[0], beforeTheAnswer);
        Assert.Equal(log[0], afterTheAnswer);
        Assert.Null(notStoredYet);
        Assert.Null(unknown);
    }

    [Fact]
    public async Task FindAsync_RetentionPassedAfterTheTerminalEvent_ReturnsNullAndTheLogIsGone()
    {
        // Arrange
        var options = NewOptions();
        options.Retention = TimeSpan.FromMilliseconds(300);
        var backplane = await CreateBackplaneAsync(options);
        var generationId = await CreateGenerationAsync(backplane);
        await AppendAllAsync(backplane, FullLog(generationId, deltas: 1));

        // Act
        await WaitUntilAsync(async () => await backplane.FindAsync(generationId, CancellationToken.None) is null);

        // Assert
        Assert.Empty(await backplane.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound));
        Assert.Empty(await ReadToEndAsync(backplane, generationId, afterSeq: -1));
    }

    /// <summary>
    /// Returns fresh options: a lease no busy machine can let lapse during a test (the tests of a lapsing lease use
    /// <see cref="MortalOptions"/>), long retention, a key prefix no other test uses.
    /// </summary>
    protected static BackplaneOptions NewOptions() => new()
    {
        OwnerTimeout = TimeSpan.FromMinutes(5),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        Retention = TimeSpan.FromMinutes(5),
        KeyPrefix = $"test-{Guid.NewGuid():N}",
    };

    /// <summary>Returns fresh options whose runner, never heartbeating, is declared lost after one second.</summary>
    protected static BackplaneOptions MortalOptions()
    {
        var options = NewOptions();
        options.OwnerTimeout = TimeSpan.FromSeconds(1);
        return options;
    }

    protected static GenerationRecord NewRecord() =>
        new(Ids.NewGenerationId(), Ids.NewConversationId(), "user-1", "agent-1", DateTimeOffset.UtcNow);

    protected static async Task<string> CreateGenerationAsync(IGenerationBackplane backplane)
    {
        var record = NewRecord();
        await backplane.CreateAsync(record, CancellationToken.None).WaitAsync(Bound);
        return record.GenerationId;
    }

    /// <summary>Returns meta, <paramref name="deltas"/> deltas and done, numbered 0 … deltas + 1.</summary>
    protected static List<GenerationEvent> FullLog(string generationId, int deltas) =>
    [
        Meta(generationId),
        .. Enumerable.Range(1, deltas).Select(seq => Delta(generationId, seq)),
        Done(generationId, deltas + 1),
    ];

    protected static async Task AppendAllAsync(IGenerationBackplane backplane, IEnumerable<GenerationEvent> events)
    {
        foreach (var generationEvent in events)
        {
            Assert.True(
                await backplane.AppendAsync(generationEvent, CancellationToken.None).WaitAsync(Bound),
                $"Appending seq {generationEvent.Seq} was refused.");
        }
    }

    protected static async Task<List<GenerationEvent>> ReadToEndAsync(IGenerationBackplane backplane, string generationId, long afterSeq)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var read = new List<GenerationEvent>();
        await foreach (var generationEvent in backplane.ReadAsync(generationId, afterSeq, timeout.Token))
        {
            read.Add(generationEvent);
        }

        return read;
    }

    protected static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!await condition().WaitAsync(timeout.Token))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>A reader running beside the test, like a subscriber on another connection.</summary>
    protected sealed class BackgroundReader
    {
        private readonly TaskCompletionSource firstEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public BackgroundReader(IGenerationBackplane backplane, string generationId, long afterSeq) =>
            Completion = Task.Run(() => ReadAsync(backplane, generationId, afterSeq));

        /// <summary>Completes when the reader received its first event.</summary>
        public Task FirstEvent => firstEvent.Task;

        /// <summary>Completes with everything the reader received once its reading ended.</summary>
        public Task<List<GenerationEvent>> Completion { get; }

        private async Task<List<GenerationEvent>> ReadAsync(IGenerationBackplane backplane, string generationId, long afterSeq)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Bound);
                var read = new List<GenerationEvent>();
                await foreach (var generationEvent in backplane.ReadAsync(generationId, afterSeq, timeout.Token))
                {
                    read.Add(generationEvent);
                    firstEvent.TrySetResult();
                }

                return read;
            }
            finally
            {
                firstEvent.TrySetResult();
            }
        }
    }
}
