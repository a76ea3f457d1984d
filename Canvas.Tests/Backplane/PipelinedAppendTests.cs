using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using StackExchange.Redis;
using static Canvas.Tests.Backplane.BackplaneTestEvents;

namespace Canvas.Tests.Backplane;

/// <summary>
/// The runner's appends on a real redis-server: several in flight at once still land in seq order, exactly once,
/// for readers on the runner's replica and on another; the same event sent again is taken once; and a Redis
/// restart mid-answer delays the answer instead of ending it. The waits only guard against a hang.
/// </summary>
public sealed class PipelinedAppendTests : RestartableRedisBackplaneTest
{
    [Fact]
    public async Task ManyPiecesThroughTheAppender_ReachReadersOnBothReplicasInSeqOrderExactlyOnce()
    {
        // Arrange
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica);
        using var peer = await CreateBackplaneAsync(new ReplicaIdentity());
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var local = Task.Run(() => ReadToEndAsync(owner, generationId));
        var remote = Task.Run(() => ReadToEndAsync(peer, generationId));
        var pieces = Enumerable.Range(0, 500).Select(i => $"t{i} ").ToList();

        // Act: every piece queued at once, so appends go out while earlier ones are still in flight.
        var appender = new DeltaAppender(owner, generationId, onLost: () => { });
        pieces.ForEach(appender.Add);
        Assert.True(await appender.CompleteAsync().WaitAsync(Bound));
        Assert.True(await owner.AppendAsync(Done(generationId, appender.NextSeq), CancellationToken.None).WaitAsync(Bound));

        // Assert
        var stored = await owner.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        AssertWholeAnswer(stored, string.Concat(pieces));
        Assert.Equal(stored, await local.WaitAsync(Bound));
        Assert.Equal(stored, await remote.WaitAsync(Bound));
        Assert.Equal(string.Concat(pieces), appender.Answer);
    }

    [Fact]
    public async Task AppendAsync_TheSameEventAgain_IsAnsweredAsAppendedAndStoredAndAnnouncedOnce()
    {
        // Arrange: a reader on another replica hears every announcement.
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica);
        using var peer = await CreateBackplaneAsync(new ReplicaIdentity());
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var remote = Task.Run(() => ReadToEndAsync(peer, generationId));
        var delta = new DeltaEvent { GenerationId = generationId, Seq = 1, Text = "once" };
        var done = Done(generationId, 2);
        Assert.True(await owner.AppendAsync(delta, CancellationToken.None).WaitAsync(Bound));

        // Act: a retry of each append whose reply was lost sends the very same event again.
        var deltaAgain = await owner.AppendAsync(delta with { }, CancellationToken.None).WaitAsync(Bound);
        Assert.True(await owner.AppendAsync(done, CancellationToken.None).WaitAsync(Bound));
        var doneAgain = await owner.AppendAsync(done with { }, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(deltaAgain);
        Assert.True(doneAgain);
        List<GenerationEvent> expected = [Meta(generationId), delta, done];
        Assert.Equal(expected, await owner.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(expected, await remote.WaitAsync(Bound));
    }

    [Fact]
    public async Task RedisRestartMidAnswer_TheAppendsAreSentAgain_AndTheLocalReaderGetsTheWholeAnswerOnce()
    {
        // Arrange: the runner's replica has a reader fed in process, as an SSE client on it would be; a command
        // waits a second for a connection before it fails.
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica, "syncTimeout=1000,asyncTimeout=1000");
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var local = Task.Run(() => ReadToEndAsync(owner, generationId));
        var appender = new DeltaAppender(owner, generationId, onLost: () => { });
        appender.Add("before ");
        await WaitUntilStoredAsync(owner, generationId, seq: 1);

        // Act: pieces arrive while Redis is down, longer than a command waits, so their first attempts fail.
        await Redis.StopAsync();
        appender.Add("while ");
        appender.Add("down ");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await Redis.StartAgainAsync();
        appender.Add("after");
        var complete = await appender.CompleteAsync().WaitAsync(Bound);
        Assert.True(await owner.AppendAsync(Done(generationId, appender.NextSeq), CancellationToken.None).WaitAsync(Bound));

        // Assert
        Assert.True(complete);
        var stored = await owner.ReadStoredAsync(generationId, CancellationToken.None).WaitAsync(Bound);
        AssertWholeAnswer(stored, "before while down after");
        Assert.Equal(stored, await local.WaitAsync(Bound));
    }

    [Fact]
    public async Task RedisDownPastTheOwnerTimeout_TheAppendGivesUp_AndTheLocalReaderIsNotLeftWaiting()
    {
        // Arrange: commands give up after a second, the owner timeout after two.
        Options.OwnerTimeout = TimeSpan.FromSeconds(2);
        var replica = new ReplicaIdentity();
        using var owner = await CreateBackplaneAsync(replica, "syncTimeout=1000,asyncTimeout=1000");
        var generationId = await CreateOwnedGenerationAsync(owner, replica);
        var local = Task.Run(() => ReadToEndAsync(owner, generationId));

        // Act
        await Redis.StopAsync();
        var append = await Record.ExceptionAsync(() => owner.AppendAsync(
            new DeltaEvent { GenerationId = generationId, Seq = 1, Text = "lost" }, CancellationToken.None).WaitAsync(Bound));
        var reading = await Record.ExceptionAsync(() => local.WaitAsync(Bound));

        // Assert: the append failed on the connection; the reader, sent to the log, failed the same way.
        Assert.True(append is RedisConnectionException or RedisTimeoutException, append?.ToString());
        Assert.True(reading is RedisConnectionException or RedisTimeoutException, reading?.ToString());
    }

    private static void AssertWholeAnswer(IReadOnlyList<GenerationEvent> events, string answer)
    {
        Assert.Equal(Enumerable.Range(0, events.Count).Select(seq => (long)seq), events.Select(e => e.Seq));
        Assert.IsType<MetaEvent>(events[0]);
        Assert.IsType<DoneEvent>(events[^1]);
        Assert.Equal(answer, string.Concat(events.OfType<DeltaEvent>().Select(d => d.Text)));
    }

    private static async Task WaitUntilStoredAsync(IGenerationBackplane backplane, string generationId, long seq)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while ((await backplane.ReadStoredAsync(generationId, timeout.Token)).Count <= seq)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<List<GenerationEvent>> ReadToEndAsync(IGenerationBackplane backplane, string generationId)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var read = new List<GenerationEvent>();
        await foreach (var generationEvent in backplane.ReadAsync(generationId, -1, timeout.Token))
        {
            read.Add(generationEvent);
        }

        return read;
    }
}
