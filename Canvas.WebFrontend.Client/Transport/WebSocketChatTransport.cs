using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>
/// The WebSocket tier: one socket to <c>/api/chat/ws</c>, opened on first use and reused across answers;
/// <c>start</c>, <c>resume</c> and <c>cancel</c> travel on it. One answer streams over it at a time.
/// </summary>
/// <remarks>
/// The browser sends the identity cookie with the handshake and the frontend adds the bearer token, so the
/// socket needs no ticket here.
/// </remarks>
public sealed class WebSocketChatTransport : IChatTransport, IAsyncDisposable
{
    private readonly Uri _socketUri;
    private readonly ChatTransportOptions _options;
    private readonly SemaphoreSlim _answer = new(1, 1);
    private readonly SemaphoreSlim _send = new(1, 1);
    private ClientWebSocket? _socket;

    /// <summary>Creates the transport.</summary>
    /// <param name="baseAddress">The frontend's origin (<c>https://host/</c>); the socket goes to <c>wss://host/api/chat/ws</c>.</param>
    /// <param name="options">The deadlines.</param>
    public WebSocketChatTransport(Uri baseAddress, ChatTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var socket = new UriBuilder(new Uri(baseAddress, "api/chat/ws"))
        {
            Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        _socketUri = socket.Uri;
        _options = options;
    }

    /// <inheritdoc/>
    public TransportTier Tier => TransportTier.WebSocket;

    /// <inheritdoc/>
    public bool DeliversEachEvent => true;

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatEvent> StartAsync(ChatStart start, TransportTier? fallbackFrom, CancellationToken cancellationToken)
    {
        var requestId = start.IdempotencyKey;
        var message = new WebSocketClientMessage("start")
        {
            RequestId = requestId,
            IdempotencyKey = start.IdempotencyKey,
            AgentId = start.AgentId,
            ConversationId = start.ConversationId,
            Message = start.Message,
            EditMessageId = start.EditMessageId,
            FallbackFrom = fallbackFrom?.ToWire(),
        };
        return ExchangeAsync(message, requestId, generationId: null, cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatEvent> ResumeAsync(ResumePoint point, TransportTier? fallbackFrom, CancellationToken cancellationToken)
    {
        var message = new WebSocketClientMessage("resume") { GenerationId = point.GenerationId, AfterSeq = point.AfterSeq };
        return ExchangeAsync(message, requestId: null, point.GenerationId, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> TryCancelAsync(string generationId, CancellationToken cancellationToken)
    {
        if (_socket is not { State: WebSocketState.Open } socket)
        {
            return false;
        }

        await SendAsync(socket, new WebSocketClientMessage("cancel") { GenerationId = generationId }, cancellationToken);
        return true;
    }

    /// <summary>
    /// Opens a socket and asks it to resume a generation that does not exist: the refusal coming back shows that the
    /// handshake, the sign-in and messages in both directions work, which an opened socket alone does not (a proxy
    /// may accept the upgrade and then close it or hold its messages).
    /// </summary>
    /// <inheritdoc/>
    public async Task<TierProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var probe = new ClientWebSocket();
        try
        {
            await ConnectAsync(probe, cancellationToken);
            await SendAsync(probe, new WebSocketClientMessage("resume") { RequestId = "probe", GenerationId = "g_probe", AfterSeq = -1 }, cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.FirstEventTimeout);
            try
            {
                await ReceiveAsync(probe, accepted: false, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new(Tier, false, $"The WebSocket opened, but no message came back within {_options.FirstEventTimeout.TotalSeconds:0.#} s: a proxy may be holding WebSocket traffic.", clock.Elapsed);
            }

            await probe.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "probe", cancellationToken);
            return new(Tier, true, $"The WebSocket opened, the chat API signed it in and answered in {clock.Elapsed.TotalMilliseconds:0} ms.", clock.Elapsed);
        }
        catch (TransportFailedException failure)
        {
            return new(Tier, false, failure.Message, clock.Elapsed);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _answer.Dispose();
        _send.Dispose();
        await Task.CompletedTask;
    }

    private async IAsyncEnumerable<ChatEvent> ExchangeAsync(
        WebSocketClientMessage message,
        string? requestId,
        string? generationId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _answer.WaitAsync(cancellationToken);
        try
        {
            var socket = await EnsureOpenAsync(cancellationToken);
            await SendAsync(socket, message, cancellationToken);
            var accepted = generationId is not null;
            while (true)
            {
                var chatEvent = await ReceiveAsync(socket, accepted, cancellationToken);
                if (!IsOurs(chatEvent, requestId, ref generationId))
                {
                    continue;
                }

                if (chatEvent.Type == ChatEvent.Error && chatEvent.GenerationId is null && chatEvent.Code == "transport_not_supported")
                {
                    throw new TransportFailedException(Tier, chatEvent.Message ?? "This agent does not answer over WebSocket.");
                }

                accepted = true;
                yield return chatEvent;
                if (chatEvent.IsTerminal)
                {
                    yield break;
                }
            }
        }
        finally
        {
            _answer.Release();
        }
    }

    // Events of other generations (an earlier answer's late tail) share the socket; a refusal has no
    // generation id, only the request id of the start it refuses.
    private static bool IsOurs(ChatEvent chatEvent, string? requestId, ref string? generationId)
    {
        if (generationId is null)
        {
            if (requestId is null || chatEvent.RequestId != requestId)
            {
                return false;
            }

            generationId = chatEvent.GenerationId;
            return true;
        }

        return chatEvent.GenerationId == generationId;
    }

    private async Task<ClientWebSocket> EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (_socket is { State: WebSocketState.Open } open)
        {
            return open;
        }

        _socket?.Dispose();
        _socket = new ClientWebSocket();
        await ConnectAsync(_socket, cancellationToken);
        return _socket;
    }

    private async Task ConnectAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.WebSocketOpenTimeout);
        try
        {
            await socket.ConnectAsync(_socketUri, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransportFailedException(Tier, $"The WebSocket did not open within {_options.WebSocketOpenTimeout.TotalSeconds:0.#} s.");
        }
        catch (WebSocketException exception) when (WasClosedByTheServer(socket))
        {
            // In the browser an upgrade that is accepted and closed at once fails ConnectAsync too, but with the
            // server's own close code; a refused or unreachable upgrade only ever has 1006 (RFC 6455 §7.4.1).
            throw new TransportFailedException(Tier, $"The WebSocket was accepted and then closed before the answer started{CloseReason(socket)}: a proxy may not support WebSockets.", exception);
        }
        catch (WebSocketException exception)
        {
            throw new TransportFailedException(Tier, "The WebSocket could not be opened: a proxy or firewall may block WebSockets, or the sign-in was refused.", exception);
        }
    }

    private static bool WasClosedByTheServer(ClientWebSocket socket) =>
        socket.CloseStatus is { } status && status != WebSocketCloseStatus.Empty && (int)status != 1006;

    private static string CloseReason(ClientWebSocket socket) =>
        string.IsNullOrEmpty(socket.CloseStatusDescription) ? "" : $" ({socket.CloseStatusDescription})";

    private async Task SendAsync(ClientWebSocket socket, WebSocketClientMessage message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, ClientJsonContext.Default.WebSocketClientMessage);
        await _send.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (WebSocketException exception)
        {
            throw new TransportFailedException(Tier, "The WebSocket closed while sending.", exception);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task<ChatEvent> ReceiveAsync(ClientWebSocket socket, bool accepted, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new TransportFailedException(Tier, accepted
                        ? $"The WebSocket closed in the middle of the answer{CloseReason(socket)}."
                        : $"The WebSocket was accepted and then closed before the answer started{CloseReason(socket)}: a proxy may not support WebSockets.");
                }

                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    return JsonSerializer.Deserialize(buffer.WrittenSpan, ClientJsonContext.Default.ChatEvent)
                        ?? throw new TransportFailedException(Tier, "The WebSocket carried an empty message.");
                }
            }
        }
        catch (WebSocketException exception)
        {
            throw new TransportFailedException(Tier, accepted ? "The WebSocket dropped in the middle of the answer." : "The WebSocket dropped before the answer started.", exception);
        }
    }
}
