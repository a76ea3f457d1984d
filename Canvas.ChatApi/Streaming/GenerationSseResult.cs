using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using System.Reflection;

namespace Canvas.ChatApi.Streaming;

/// <summary>
/// Streams a generation's events as Server-Sent Events, with a keep-alive comment whenever the stream has been
/// quiet for the keep-alive interval, and disconnects a client that leaves a write pending longer than
/// <see cref="ChatLimitsOptions.SlowConsumerTimeout"/>. Shaped like the framework's <c>ServerSentEventsResult</c>,
/// which cannot write comments.
/// </summary>
/// <remarks>
/// Proxies must pass each frame on at once: the response is never compressed or buffered, and says so to
/// proxies with <c>Cache-Control: no-cache</c> and <c>X-Accel-Buffering: no</c> (ARCHITECTURE.md, "Known pitfalls").
/// The request scope is disposed when the stream ends, which ends the <c>chat sse</c> span. One timer per stream
/// (not one per event) writes the keep-alives and watches for a stalled client.
/// </remarks>
public sealed partial class GenerationSseResult : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private readonly IAsyncEnumerable<GenerationEvent> _events;
    private readonly ChatRequestScope _scope;
    private readonly ChatLimitsOptions _limits;

    internal GenerationSseResult(IAsyncEnumerable<GenerationEvent> events, ChatRequestScope scope, ChatLimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(limits);
        _events = events;
        _scope = scope;
        _limits = limits;
    }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "text/event-stream";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using var scope = _scope;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await response.StartAsync(cancellationToken);

        // Kestrel commits the headers on StartAsync but sends them with the first body write: a resume with nothing
        // new yet would leave the client (and any proxy's timeout) waiting for the next token or keep-alive.
        await response.Body.FlushAsync(cancellationToken);

        var time = httpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = httpContext.RequestServices.GetService<ILogger<GenerationSseResult>>();
        await using var stream = new SseStream(httpContext, time, _limits, logger);
        try
        {
            await foreach (var generationEvent in _events.WithCancellation(cancellationToken))
            {
                await stream.WriteAsync(generationEvent, cancellationToken);
                _scope.OnDelivered(generationEvent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away (or was cut off as a slow consumer); the generation goes on and can be resumed.
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception))
        {
            // Redis has failed the reads for the storage outage timeout. A stream that ended cleanly would look
            // finished to a proxy; cut off, the client resumes from its last seq, on this instance or another.
            if (logger is not null)
            {
                LogStorageOutage(logger, _limits.StorageOutageTimeout, exception.GetType().Name);
            }

            httpContext.Abort();
        }
    }

    [LoggerMessage(2, LogLevel.Warning, "Redis failed this stream's reads for {Timeout} ({Reason}); the client is disconnected so it resumes.")]
    private static partial void LogStorageOutage(ILogger logger, TimeSpan timeout, string reason);

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(GenerationEvent), ["text/event-stream"]));

    /// <summary>
    /// The response side of one stream: events and keep-alives take turns on the body through one gate, and a
    /// periodic check disconnects the client when a write has been pending past the slow-consumer timeout.
    /// </summary>
    private sealed partial class SseStream : IAsyncDisposable
    {
        private readonly HttpContext _httpContext;
        private readonly TimeProvider _time;
        private readonly TimeSpan _keepAlive;
        private readonly TimeSpan _slowConsumerTimeout;
        private readonly ILogger? _logger;
        private readonly SseFrameWriter _frames;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly ITimer _timer;
        private long _lastFrameAt;
        private long _pendingSince;
        private long _lastSeq = -1;

        public SseStream(HttpContext httpContext, TimeProvider time, ChatLimitsOptions limits, ILogger? logger)
        {
            _httpContext = httpContext;
            _time = time;
            _keepAlive = limits.SseKeepAlive;
            _slowConsumerTimeout = limits.SlowConsumerTimeout;
            _logger = logger;
            _frames = new SseFrameWriter(httpContext.Response.BodyWriter);
            _lastFrameAt = time.GetTimestamp();
            var period = TimeSpan.FromTicks(Math.Min(_keepAlive.Ticks, _slowConsumerTimeout.Ticks) / 2);
            _timer = time.CreateTimer(_ => OnTick(), null, period, period);
        }

        public async ValueTask WriteAsync(GenerationEvent generationEvent, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                _frames.Write(generationEvent);
                await FlushAsync(cancellationToken);
                _lastSeq = generationEvent.Seq;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _timer.DisposeAsync();
            _gate.Dispose();
        }

        private async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            Volatile.Write(ref _pendingSince, _time.GetTimestamp());
            await _httpContext.Response.BodyWriter.FlushAsync(cancellationToken);
            Volatile.Write(ref _pendingSince, 0);
            _lastFrameAt = _time.GetTimestamp();
        }

        private void OnTick()
        {
            var pendingSince = Volatile.Read(ref _pendingSince);
            if (pendingSince != 0 && _time.GetElapsedTime(pendingSince) >= _slowConsumerTimeout)
            {
                if (_logger is not null)
                {
                    LogSlowConsumer(_logger, _slowConsumerTimeout, Volatile.Read(ref _lastSeq));
                }

                _httpContext.Abort();
                return;
            }

            if (_time.GetElapsedTime(_lastFrameAt) >= _keepAlive && _gate.Wait(0))
            {
                _ = KeepAliveAsync();
            }
        }

        private async Task KeepAliveAsync()
        {
            try
            {
                _frames.WriteKeepAlive();
                await FlushAsync(_httpContext.RequestAborted);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The client went away; the event loop sees it too and ends the stream.
            }
            finally
            {
                _gate.Release();
            }
        }

        [LoggerMessage(1, LogLevel.Information,
            "SSE client left events unread for {Timeout} after seq {LastSeq}; disconnected as a slow consumer (it can resume with Last-Event-ID)")]
        private static partial void LogSlowConsumer(ILogger logger, TimeSpan timeout, long lastSeq);
    }
}
