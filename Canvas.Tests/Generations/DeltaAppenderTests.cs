using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Generations;

public sealed class DeltaAppenderTests
{
    [Fact]
    public async Task TextArrivingWhileAnAppendIsInFlight_IsMergedIntoTheNextDelta()
    {
        // Arrange: a window of one append in flight.
        var log = new GatedLog();
        var appender = new DeltaAppender(log, "g_test", onLost: () => { }, window: 1);

        // Act
        appender.Add("Hel");
        await log.AppendStarted.WaitAsync(TimeSpan.FromSeconds(5));
        appender.Add("lo");
        appender.Add(", ");
        appender.Add("world");
        log.Open();
        var complete = await appender.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(complete);
        Assert.Equal(["Hel", "lo, world"], log.Appended.Select(d => ((DeltaEvent)d).Text));
        Assert.Equal([1L, 2L], log.Appended.Select(d => d.Seq));
        Assert.Equal("Hello, world", appender.Answer);
        Assert.Equal(3, appender.NextSeq);
    }

    [Fact]
    public async Task ReasoningAndTextArrivingWhileAnAppendIsInFlight_AreMergedEachWithItsOwnKindNeverAcross()
    {
        // Arrange: a window of one append in flight.
        var log = new GatedLog();
        var appender = new DeltaAppender(log, "g_test", onLost: () => { }, window: 1);

        // Act
        appender.AddReasoning("Let");
        await log.AppendStarted.WaitAsync(TimeSpan.FromSeconds(5));
        appender.AddReasoning(" me");
        appender.AddReasoning(" think.");
        appender.Add("One,");
        appender.Add(" two");
        appender.AddReasoning(" Hmm.");
        appender.Add(", three");
        log.Open();
        var complete = await appender.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(complete);
        Assert.Equal(
            [("reasoning", "Let"), ("reasoning", " me think."), ("delta", "One, two"), ("reasoning", " Hmm."), ("delta", ", three")],
            log.Appended.Select(e => (e.Type, e is ReasoningEvent r ? r.Text : ((DeltaEvent)e).Text)));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], log.Appended.Select(e => e.Seq));
        Assert.Equal("One, two, three", appender.Answer);
        Assert.Equal("Let me think. Hmm.", appender.Reasoning);
    }

    [Fact]
    public async Task RefusedAppend_ReportsLostAndStops()
    {
        // Arrange
        var log = new GatedLog { Refuse = true };
        var lost = false;
        var appender = new DeltaAppender(log, "g_test", onLost: () => lost = true);
        log.Open();

        // Act
        appender.Add("Hel");
        var complete = await appender.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(complete);
        Assert.True(lost);
        Assert.Equal("", appender.Answer);
    }

    [Fact]
    public async Task AppendsWithinTheWindow_GoOutInSeqOrderBeforeAnyIsAnswered_AndAFullWindowMergesTheRest()
    {
        // Arrange: a log that answers nothing until the test opens it.
        var log = new HeldLog();
        var appender = new DeltaAppender(log, "g_test", onLost: () => { }, window: 3);

        // Act
        appender.Add("a");
        await log.WaitForSentAsync(1);
        appender.Add("b");
        await log.WaitForSentAsync(2);
        appender.Add("c");
        await log.WaitForSentAsync(3);
        appender.Add("d");
        appender.Add("e");
        var sentBeforeAnyAnswer = log.Sent.Select(e => ((DeltaEvent)e).Text).ToList();
        log.Open();
        var complete = await appender.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(complete);
        Assert.Equal(["a", "b", "c"], sentBeforeAnyAnswer);
        Assert.Equal(["a", "b", "c", "de"], log.Sent.Select(e => ((DeltaEvent)e).Text));
        Assert.Equal([1L, 2L, 3L, 4L], log.Sent.Select(e => e.Seq));
        Assert.Equal("abcde", appender.Answer);
    }

    [Fact]
    public async Task APipelinedAppendRefused_IsAskedAgainOnceEveryEarlierSeqIsIn_AndOnlyThatAnswerCounts()
    {
        // Arrange: seq 2 goes out while seq 1 is unanswered and is refused, as when seq 1 failed on the connection
        // and was sent again behind it.
        var log = new HeldLog { RefuseFirstAttemptOf = 2 };
        var lost = false;
        var appender = new DeltaAppender(log, "g_test", onLost: () => lost = true, window: 2);

        // Act
        appender.Add("a");
        await log.WaitForSentAsync(1);
        appender.Add("b");
        await log.WaitForSentAsync(2);
        log.Open();
        var complete = await appender.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(complete);
        Assert.False(lost);
        Assert.Equal([1L, 2L, 2L], log.Sent.Select(e => e.Seq));
        Assert.Equal("ab", appender.Answer);
    }

    [Fact]
    public async Task AnAppendRefusedWithNothingEarlierInFlight_IsFinal()
    {
        // Arrange
        var log = new HeldLog { RefuseFirstAttemptOf = 1 };
        var lost = false;
        var appender = new DeltaAppender(log, "g_test", onLost: () => lost = true, window: 2);
        log.Open();

        // Act
        appender.Add("a");
        var complete = await appender.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.False(complete);
        Assert.True(lost);
        Assert.Equal([1L], log.Sent.Select(e => e.Seq));
    }

    /// <summary>A log that records each append as it is sent and answers none until the test opens it.</summary>
    private sealed class HeldLog : IGenerationBackplane
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<GenerationEvent> _sent = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long? RefuseFirstAttemptOf { get; init; }

        public IReadOnlyList<GenerationEvent> Sent
        {
            get
            {
                lock (_gate)
                {
                    return [.. _sent];
                }
            }
        }

        public void Open() => _open.TrySetResult();

        public async Task WaitForSentAsync(int count)
        {
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_sent.Count >= count)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(TimeSpan.FromSeconds(5));
            }
        }

        public async Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
        {
            bool firstAttempt;
            TaskCompletionSource changed;
            lock (_gate)
            {
                firstAttempt = _sent.All(e => e.Seq != generationEvent.Seq);
                _sent.Add(generationEvent);
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
            await _open.Task;
            return !(firstAttempt && generationEvent.Seq == RefuseFirstAttemptOf);
        }

        public Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<GenerationRecord?> FindAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<GenerationEvent> ReadAsync(string generationId, long afterSeq, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<GenerationEvent>> ReadStoredAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<MetaEvent?> ReadMetaAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task HeartbeatAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RequestCancelAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>A log whose appends wait until the test opens it, as a busy Redis would.</summary>
    private sealed class GatedLog : IGenerationBackplane
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _appendStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Refuse { get; init; }
        public List<GenerationEvent> Appended { get; } = [];
        public Task AppendStarted => _appendStarted.Task;

        public void Open() => _open.TrySetResult();

        public async Task<bool> AppendAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
        {
            _appendStarted.TrySetResult();
            await _open.Task;
            if (Refuse)
            {
                return false;
            }

            Appended.Add(generationEvent);
            return true;
        }

        public Task CreateAsync(GenerationRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<GenerationRecord?> FindAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<GenerationEvent> ReadAsync(string generationId, long afterSeq, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<GenerationEvent>> ReadStoredAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<MetaEvent?> ReadMetaAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task HeartbeatAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RequestCancelAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IAsyncDisposable> SubscribeCancelAsync(string generationId, Action onCancel, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
