using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Telemetry;

namespace Canvas.ChatApi.Streaming;

/// <summary>
/// One client's WebSocket: many generations over one socket, each streamed by its own pump from the backplane,
/// all writes going through one outbox so frames never interleave. Closing the socket stops the pumps, never the
/// generations; only a <c>cancel</c> message does. A client that leaves a send pending longer than
/// <see cref="ChatLimitsOptions.SlowConsumerTimeout"/> is disconnected (no close frame can pass a connection that takes
/// nothing); it resumes each answer from its last <c>seq</c>. A slow socket never holds back a generation or another
/// socket: every pump reads the backplane at its own pace.
/// </summary>
/// <remarks>Logs ids and codes only; message text never reaches the logs.</remarks>
internal sealed partial class ChatSocketSession
{
    private const int ReceiveChunkBytes = 16 * 1024;
    private const int OutboxCapacity = 1024;
    private static readonly TimeSpan CloseFrameGrace = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly string _userId;
    private readonly ChatServices _services;
    private readonly ILogger _logger;
    private readonly Channel<ReadOnlyMemory<byte>> _outbox = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true });
    private readonly CancellationTokenSource _closing;
    private readonly List<Task> _pumps = [];
    private readonly TimeProvider _time;
    private readonly ITimer _slowConsumerWatch;
    private long _sendingSince;

    public ChatSocketSession(WebSocket socket, string userId, ChatServices services, ILogger logger, CancellationToken aborted, TimeProvider? time = null)
    {
        _socket = socket;
        _userId = userId;
        _services = services;
        _logger = logger;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _time = time ?? TimeProvider.System;
        var period = services.Limits.SlowConsumerTimeout / 2;
        _slowConsumerWatch = _time.CreateTimer(_ => CutOffSlowConsumer(), null, period, period);
    }

    public async Task RunAsync()
    {
        var sending = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync();
        }
        catch (WebSocketException exception) when (exception.WebSocketErrorCode == WebSocketError.Faulted)
        {
            // The socket failed the connection itself (a text frame that is not UTF-8: 1007), after its close frame.
            LogSocketDropped(exception.GetType().Name);
            await LetTheCloseFrameArriveAsync();
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            LogSocketDropped(exception.GetType().Name);
        }
        finally
        {
            await _closing.CancelAsync();
            await Task.WhenAll(_pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _outbox.Writer.TryComplete();
            await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _slowConsumerWatch.DisposeAsync();
            _closing.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var limit = _services.Limits.MaxWebSocketMessageBytes;
        var message = new ArrayBufferWriter<byte>(ReceiveChunkBytes);
        while (_socket.State == WebSocketState.Open)
        {
            var result = await _socket.ReceiveAsync(message.GetMemory(ReceiveChunkBytes), _closing.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Bye.", _closing.Token);
                return;
            }

            message.Advance(result.Count);
            if (message.WrittenCount > limit)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"A message may have at most {limit} bytes.", _closing.Token);
                return;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                await RefuseAsync(null, null, ErrorCodes.BadRequest, "Canvas speaks JSON text frames; a binary frame was ignored.");
            }
            else
            {
                await HandleAsync(message.WrittenMemory);
            }

            message.ResetWrittenCount();
        }
    }

    /// <summary>
    /// Keeps the connection for a bounded time after a close frame the socket sent on its own (it stops reading
    /// then, so the client's reply cannot be awaited). Ending the connection at once can reset it while the close
    /// frame is still unread on the client, whose kernel then discards it with its status; the client closes first
    /// once it has read it.
    /// </summary>
    private async Task LetTheCloseFrameArriveAsync()
    {
        try
        {
            await Task.Delay(CloseFrameGrace, _time, _closing.Token);
        }
        catch (OperationCanceledException)
        {
            // The client went away: nothing left to wait for.
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> frame)
    {
        ChatSocketRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(frame.Span, CanvasJsonContext.Default.ChatSocketRequest);
        }
        catch (JsonException exception)
        {
            await RefuseAsync(null, null, ErrorCodes.InvalidJson, $"The message is not valid JSON: {exception.Message}");
            return;
        }

        try
        {
            switch (request?.Type)
            {
                case "start":
                    await StartAsync(request);
                    break;
                case "resume":
                    await ResumeAsync(request);
                    break;
                case "cancel":
                    await CancelAsync(request);
                    break;
                default:
                    await RefuseAsync(request?.RequestId, request?.GenerationId, ErrorCodes.BadRequest,
                        $"Unknown message type '{request?.Type}'; expected start, resume or cancel.");
                    break;
            }
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception))
        {
            // As over HTTP: the request is refused busy and retryable, and the socket stays open for the retry.
            var busy = ChatRequestError.Busy(ChatRequestError.StorageRetryAfter);
            await RefuseAsync(request?.RequestId, request?.GenerationId, busy.Code, busy.Message, busy.RetryAfter);
        }
    }

    private async Task StartAsync(ChatSocketRequest request)
    {
        // Each start gets its own span under the upgrade request's, not under the previous start's.
        var parent = Activity.Current;
        var scope = _services.Telemetry.StartRequest("chat", Tiers.WebSocket, request.FallbackFrom);
        try
        {
            var (meta, error) = await _services.StartAsync(
                scope, _userId, request.AgentId, request.ConversationId, request.Message, Tiers.WebSocket, request.IdempotencyKey, request.EditMessageId, _closing.Token);
            if (meta is null)
            {
                scope.Dispose();
                await RefuseAsync(request.RequestId, null, error!.Code, error.Message, error.RetryAfter);
                return;
            }

            StartPump(meta.GenerationId, afterSeq: -1, request.RequestId, scope);
        }
        finally
        {
            Activity.Current = parent;
        }
    }

    private async Task ResumeAsync(ChatSocketRequest request)
    {
        if (request.AfterSeq is not { } afterSeq || afterSeq < -1)
        {
            await RefuseAsync(request.RequestId, request.GenerationId, ErrorCodes.BadRequest, "resume needs afterSeq, an integer from -1.");
            return;
        }

        if (await FindOwnedAsync(request.GenerationId) is not { } record)
        {
            await RefuseAsync(request.RequestId, request.GenerationId, ErrorCodes.NotFound, "There is no generation with that id.");
            return;
        }

        var parent = Activity.Current;
        var scope = _services.Telemetry.StartRequest("resume", Tiers.WebSocket, request.FallbackFrom);
        scope.SetResumed(record);
        Activity.Current = parent;
        StartPump(request.GenerationId!, afterSeq, requestId: null, scope);
    }

    private async Task CancelAsync(ChatSocketRequest request)
    {
        if (await FindOwnedAsync(request.GenerationId) is null)
        {
            await RefuseAsync(request.RequestId, request.GenerationId, ErrorCodes.NotFound, "There is no generation with that id.");
            return;
        }

        await _services.Backplane.RequestCancelAsync(request.GenerationId!, _closing.Token);
    }

    private async Task<GenerationRecord?> FindOwnedAsync(string? generationId) =>
        !string.IsNullOrEmpty(generationId)
        && await _services.Backplane.FindAsync(generationId, _closing.Token) is { } record
        && record.UserId == _userId
            ? record
            : null;

    private void StartPump(string generationId, long afterSeq, string? requestId, ChatRequestScope scope) =>
        _pumps.Add(Task.Run(() => PumpAsync(generationId, afterSeq, requestId, scope)));

    private async Task PumpAsync(string generationId, long afterSeq, string? requestId, ChatRequestScope scope)
    {
        using var _ = scope;
        try
        {
            await foreach (var generationEvent in _services.ReadAsync(generationId, afterSeq, _closing.Token))
            {
                var outgoing = generationEvent is MetaEvent meta && requestId is not null ? meta with { RequestId = requestId } : generationEvent;
                await _outbox.Writer.WriteAsync(outgoing.ToUtf8Json(), _closing.Token);
                scope.OnDelivered(generationEvent);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            // The socket closed; the generation goes on and can be resumed.
        }
        catch (Exception exception)
        {
            // The read failed for good: Redis for the storage outage timeout, or anything a retry would only repeat.
            // A pump that just ended would leave the client waiting on an open socket for events that never come; cut
            // off, it resumes each of its answers from its last seq, on this instance or another.
            LogPumpGaveUp(exception.GetType().Name, generationId);
            _socket.Abort();
        }
    }

    private async Task RefuseAsync(string? requestId, string? generationId, string code, string message, TimeSpan? retryAfter = null)
    {
        LogRefused(code);
        var refusal = new ChatSocketRefusal(requestId, generationId, code, message)
        {
            RetryAfterMs = retryAfter is { } wait ? (long)Math.Ceiling(wait.TotalMilliseconds) : null,
        };
        await _outbox.Writer.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(refusal, CanvasJsonContext.Default.ChatSocketRefusal), _closing.Token);
    }

    private async Task SendLoopAsync()
    {
        await foreach (var frame in _outbox.Reader.ReadAllAsync())
        {
            if (_socket.State != WebSocketState.Open)
            {
                return;
            }

            Volatile.Write(ref _sendingSince, _time.GetTimestamp());
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
            Volatile.Write(ref _sendingSince, 0);
        }
    }

    private void CutOffSlowConsumer()
    {
        var since = Volatile.Read(ref _sendingSince);
        if (since != 0 && _time.GetElapsedTime(since) >= _services.Limits.SlowConsumerTimeout)
        {
            LogSlowConsumer(_services.Limits.SlowConsumerTimeout);
            _socket.Abort();
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "WebSocket request refused: {Code}.")]
    private partial void LogRefused(string code);

    [LoggerMessage(2, LogLevel.Debug, "WebSocket dropped: {Reason}.")]
    private partial void LogSocketDropped(string reason);

    [LoggerMessage(3, LogLevel.Warning, "Reading generation {GenerationId} for a WebSocket failed for good ({Reason}); the socket is closed so its client resumes.")]
    private partial void LogPumpGaveUp(string reason, string generationId);

    [LoggerMessage(4, LogLevel.Information, "WebSocket client left a send pending for {Timeout}; disconnected as a slow consumer (it can resume).")]
    private partial void LogSlowConsumer(TimeSpan timeout);
}
