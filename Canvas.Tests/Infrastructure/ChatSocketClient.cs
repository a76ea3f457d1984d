using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Canvas.Tests.Infrastructure;

/// <summary>A test's WebSocket to <c>/api/chat/ws</c>: send JSON messages, receive JSON messages or the close.</summary>
public sealed class ChatSocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    private ChatSocketClient()
    {
    }

    public WebSocketState State => _socket.State;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    public static Task<ChatSocketClient> ConnectAsync(Uri uri, string? bearerToken, CancellationToken cancellationToken = default) =>
        ConnectAsync(uri, options =>
        {
            if (bearerToken is not null)
            {
                options.SetRequestHeader("Authorization", $"Bearer {bearerToken}");
            }
        }, cancellationToken);

    /// <summary>Connects with handshake options set by the caller (headers, cookies).</summary>
    public static async Task<ChatSocketClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions> configure, CancellationToken cancellationToken = default)
    {
        var client = new ChatSocketClient();
        configure(client._socket.Options);
        await client._socket.ConnectAsync(uri, cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        return client;
    }

    public Task SendAsync(object message, CancellationToken cancellationToken = default) =>
        SendTextAsync(JsonSerializer.Serialize(message, JsonSerializerOptions.Web), cancellationToken);

    public Task SendTextAsync(string text, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Sends the bytes as one text frame as they are, valid UTF-8 or not.</summary>
    public Task SendTextFrameAsync(byte[] bytes, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);

    public Task SendBinaryAsync(byte[] bytes, CancellationToken cancellationToken = default) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, cancellationToken);

    /// <summary>Receives the next message as JSON, or null when the server closed the socket.</summary>
    public async Task<JsonObject?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken).WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(message.ToArray())!.AsObject();
            }
        }
    }

    /// <summary>Receives messages until one for the generation is terminal; returns them all, in order.</summary>
    public async Task<List<JsonObject>> ReceiveUntilTerminalAsync(Func<JsonObject, bool>? belongs = null, CancellationToken cancellationToken = default)
    {
        var received = new List<JsonObject>();
        while (await ReceiveAsync(cancellationToken) is { } message)
        {
            if (belongs is not null && !belongs(message))
            {
                continue;
            }

            received.Add(message);
            if (message["type"]?.GetValue<string>() is "done" or "error" && message["seq"] is not null)
            {
                break;
            }
        }

        return received;
    }

    /// <summary>Drops the connection without a close handshake, as a network cut would.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception exception) when (exception is WebSocketException or TimeoutException)
            {
                _socket.Abort();
            }
        }

        _socket.Dispose();
    }
}
