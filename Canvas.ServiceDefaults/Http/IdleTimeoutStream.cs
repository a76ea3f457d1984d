namespace Canvas.ServiceDefaults.Http;

/// <summary>
/// A read-only stream that throws <see cref="TimeoutException"/> when one read waits longer than the idle timeout, and
/// <see cref="OperationCanceledException"/> when the <see cref="ResponseBodyCancellation"/> token of the call that received it is cancelled.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan idle, TimeProvider time, CancellationToken bodyCancellation) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var idleTimer = new CancellationTokenSource(idle, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bodyCancellation, idleTimer.Token);
        try
        {
            return await inner.ReadAsync(buffer, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idleTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !bodyCancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"The response stream was silent for {idle.TotalSeconds:0.#} s.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Provider SDKs read their streams asynchronously; a synchronous read gets no idle deadline.
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
