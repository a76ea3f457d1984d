using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Streaming;
using Canvas.ChatApi.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.Streaming;

/// <summary>
/// A client that stops reading holds back nobody: the runner appends at its own pace, other readers get every event,
/// and once a write to the stalled client has been pending for <see cref="ChatLimitsOptions.SlowConsumerTimeout"/>
/// it is disconnected, after which it resumes from its last <c>seq</c> like any dropped client.
/// </summary>
public sealed class SlowConsumerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);
    private readonly InProcessGenerationBackplane _backplane;
    private readonly ChatTelemetry _telemetry = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    private readonly ChatLimitsOptions _limits = new() { SseKeepAlive = TimeSpan.FromSeconds(10), SlowConsumerTimeout = TimeSpan.FromSeconds(4) };

    public SlowConsumerTests() =>
        _backplane = new InProcessGenerationBackplane(
            Microsoft.Extensions.Options.Options.Create(new BackplaneOptions()), _clock, NullLogger<InProcessGenerationBackplane>.Instance);

    public void Dispose()
    {
        _backplane.Dispose();
        _telemetry.Dispose();
    }

    [Fact]
    public async Task ExecuteAsync_ClientStopsReading_OthersGetEverythingAndItIsDisconnectedPastTheBoundThenResumes()
    {
        // Arrange: a generation with meta, an SSE client whose connection accepts nothing.
        var generationId = await StartGenerationAsync();
        var stalled = new StalledClient();
        var result = new GenerationSseResult(
            _backplane.ReadAsync(generationId, afterSeq: -1, CancellationToken.None), _telemetry.StartRequest("chat", "sse", null), _limits);
        var streaming = result.ExecuteAsync(stalled.Context(_clock));
        await stalled.FirstWrite.WaitAsync(Bound);

        // Act: the runner appends the whole answer while the client is stalled; another reader follows it.
        var appended = new List<bool>();
        for (var seq = 1; seq <= 200; seq++)
        {
            appended.Add(await _backplane.AppendAsync(Delta(generationId, seq), CancellationToken.None).WaitAsync(Bound));
        }

        appended.Add(await _backplane.AppendAsync(Done(generationId, 201), CancellationToken.None).WaitAsync(Bound));
        var other = await ReadAllAsync(generationId, afterSeq: -1);
        var connectedAtTheBound = !stalled.Aborted;
        _clock.Advance(_limits.SlowConsumerTimeout + _limits.SlowConsumerTimeout);
        await streaming.WaitAsync(Bound);
        var resumed = await ReadAllAsync(generationId, afterSeq: 0);

        // Assert
        Assert.All(appended, Assert.True);
        Assert.Equal(202, other.Count);
        Assert.True(connectedAtTheBound);
        Assert.True(stalled.Aborted);
        Assert.Equal(Enumerable.Range(1, 201).Select(seq => (long)seq), resumed.Select(e => e.Seq));
    }

    [Fact]
    public async Task ExecuteAsync_ClientStalledForLessThanTheBound_StaysConnected()
    {
        // Arrange
        var generationId = await StartGenerationAsync();
        var stalled = new StalledClient();
        var result = new GenerationSseResult(
            _backplane.ReadAsync(generationId, afterSeq: -1, CancellationToken.None), _telemetry.StartRequest("chat", "sse", null), _limits);
        var streaming = result.ExecuteAsync(stalled.Context(_clock));
        await stalled.FirstWrite.WaitAsync(Bound);

        // Act
        _clock.Advance(_limits.SlowConsumerTimeout - TimeSpan.FromSeconds(1));

        // Assert
        Assert.False(stalled.Aborted);
        Assert.False(streaming.IsCompleted);
        stalled.Abort();
        await streaming.WaitAsync(Bound);
    }

    private async Task<string> StartGenerationAsync()
    {
        var record = new GenerationRecord(Ids.NewGenerationId(), Ids.NewConversationId(), "user-1", "agent-1", _clock.GetUtcNow(), new ReplicaIdentity().Id);
        await _backplane.CreateAsync(record, CancellationToken.None);
        await _backplane.AppendAsync(new MetaEvent
        {
            GenerationId = record.GenerationId,
            Seq = 0,
            ConversationId = record.ConversationId,
            AgentId = "agent-1",
            Provider = "ollama",
            Model = "m",
            Transport = "sse",
        }, CancellationToken.None);
        return record.GenerationId;
    }

    private async Task<List<GenerationEvent>> ReadAllAsync(string generationId, long afterSeq)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var read = new List<GenerationEvent>();
        await foreach (var generationEvent in _backplane.ReadAsync(generationId, afterSeq, timeout.Token))
        {
            read.Add(generationEvent);
        }

        return read;
    }

    private static DeltaEvent Delta(string generationId, long seq) => new() { GenerationId = generationId, Seq = seq, Text = $"t{seq} " };

    private static DoneEvent Done(string generationId, long seq) =>
        new() { GenerationId = generationId, Seq = seq, FinishReason = FinishReasons.Stop, Timings = new GenerationTimings(1, 2) };

    /// <summary>An HTTP client whose connection takes the first bytes, then accepts nothing until it is aborted.</summary>
    private sealed class StalledClient : IHttpRequestLifetimeFeature
    {
        private readonly CancellationTokenSource _aborted = new();
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _firstWrite.Task;

        public bool Aborted => _aborted.IsCancellationRequested;

        public CancellationToken RequestAborted
        {
            get => _aborted.Token;
            set => throw new NotSupportedException();
        }

        public void Abort() => _aborted.Cancel();

        public HttpContext Context(TimeProvider clock)
        {
            var context = new DefaultHttpContext
            {
                RequestServices = new ServiceCollection().AddSingleton(clock).BuildServiceProvider(),
            };
            context.Features.Set<IHttpRequestLifetimeFeature>(this);
            context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(new StalledStream(this)));
            return context;
        }

        private sealed class StalledStream(StalledClient client) : Stream
        {
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                client._firstWrite.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
