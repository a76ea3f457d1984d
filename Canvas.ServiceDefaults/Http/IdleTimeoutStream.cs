namespace Canvas.ServiceDefaults.Http;

/// <summary>
/// A read-only stream that throws <see cref="TimeoutException"/> when one read waits longer than the idle timeout, and
/// <see cref="OperationCanceledException"/> when the <see cref="ResponseBodyCancellation"/> token of the call that received it is cancelled.
/// </summary>
/// <remarks>
/// One idle timer and one linked token serve every read: the timer is re-armed per read, not created, since a provider
/// stream is read once per token and a timer plus a three-way linked source per read was a tenth of what the token path
/// allocated. A read with a token of its own is linked to it once, for as long as the reads pass the same token.
/// </remarks>
internal sealed class IdleTimeoutStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly CancellationToken _bodyCancellation;
    private readonly CancellationTokenSource _idleTimer;
    private readonly CancellationTokenSource _deadline;
    private CancellationToken _callerToken;
    private CancellationTokenSource? _callerDeadline;

    public IdleTimeoutStream(Stream inner, TimeSpan idle, TimeProvider time, CancellationToken bodyCancellation)
    {
        _inner = inner;
        _idle = idle;
        _bodyCancellation = bodyCancellation;
        _idleTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(bodyCancellation, _idleTimer.Token);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var deadline = DeadlineWith(cancellationToken);
        _idleTimer.CancelAfter(_idle);
        try
        {
            return await _inner.ReadAsync(buffer, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_idleTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_bodyCancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"The response stream was silent for {_idle.TotalSeconds:0.#} s.");
        }
        finally
        {
            if (!_idleTimer.IsCancellationRequested)
            {
                _idleTimer.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Provider SDKs read their streams asynchronously; a synchronous read gets no idle deadline.
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            DisposeTimers();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        DisposeTimers();
    }

    private CancellationToken DeadlineWith(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return _deadline.Token;
        }

        if (_callerDeadline is null || cancellationToken != _callerToken)
        {
            // Reads of one stream never overlap, so the previous read's link is done with.
            _callerDeadline?.Dispose();
            _callerDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
            _callerToken = cancellationToken;
        }

        return _callerDeadline.Token;
    }

    private void DisposeTimers()
    {
        _callerDeadline?.Dispose();
        _deadline.Dispose();
        _idleTimer.Dispose();
    }
}
