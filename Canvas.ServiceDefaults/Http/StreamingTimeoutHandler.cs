namespace Canvas.ServiceDefaults.Http;

/// <summary>
/// Applies <see cref="StreamingTimeouts"/>: fails with <see cref="TimeoutException"/> when the headers are late
/// or the body goes silent, and leaves a stream that keeps flowing alone however long it runs.
/// </summary>
public sealed class StreamingTimeoutHandler : DelegatingHandler
{
    private readonly StreamingTimeouts _timeouts;
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    /// <param name="timeouts">The timeouts to apply.</param>
    /// <param name="time">The clock the timeouts run on. The default is the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeouts"/> is null.</exception>
    public StreamingTimeoutHandler(StreamingTimeouts timeouts, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        _timeouts = timeouts;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var headersTimer = new CancellationTokenSource(_timeouts.FirstByte, _time);
        using var headersDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, headersTimer.Token);

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, headersDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (headersTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{request.RequestUri?.GetLeftPart(UriPartial.Path)} sent no response within {_timeouts.FirstByte.TotalSeconds:0.#} s.");
        }

        response.Content = new IdleTimeoutContent(response.Content, _timeouts.Idle, _time, ResponseBodyCancellation.Token);
        return response;
    }
}
