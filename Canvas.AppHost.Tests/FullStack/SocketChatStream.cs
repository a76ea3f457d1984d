using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Canvas.AppHost.Tests.Infrastructure;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>
/// An answer resumed over a WebSocket straight on one ChatApi replica, as a client that talks to ChatApi itself does
/// (PROTOCOL.md "WebSocket messages"): it signs in with a one-time ticket, since a browser's upgrade carries no header.
/// </summary>
public sealed class SocketChatStream : ChatStream
{
    private readonly ClientWebSocket _socket;

    private SocketChatStream(ClientWebSocket socket) => _socket = socket;

    /// <summary>
    /// Resumes an answer on one replica, past WebFrontend and DCP's proxy: a ticket for the tab's user comes through
    /// WebFrontend, and the replica's <c>/api/chat/ws?ticket=</c> takes the <c>resume</c>.
    /// </summary>
    /// <param name="tab">The tab whose user resumes.</param>
    /// <param name="replica">The replica's own address.</param>
    /// <param name="generationId">The answer to resume.</param>
    /// <param name="afterSeq">The last <c>seq</c> the client has.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    public static async Task<ChatStream> ResumeOnReplicaAsync(
        BrowserSession tab, Uri replica, string generationId, long afterSeq, CancellationToken cancellationToken)
    {
        // The ticket is kept in Redis, so any replica honours it, whichever one DCP's proxy gave this request to.
        using var response = await tab.Http.PostAsync("/api/chat/ws-ticket", content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
        var ticket = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("ticket").GetString();

        var socket = new ClientWebSocket();
        try
        {
            var uri = new UriBuilder(replica) { Scheme = "ws", Path = "/api/chat/ws", Query = $"ticket={Uri.EscapeDataString(ticket!)}" }.Uri;
            await socket.ConnectAsync(uri, cancellationToken);
            var resume = JsonSerializer.SerializeToUtf8Bytes(new { type = "resume", generationId, afterSeq });
            await socket.SendAsync(resume, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return new SocketChatStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        // The test is done with the socket; a close handshake would only wait on the server.
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async Task<string?> ReceiveJsonAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var frame = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (frame.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The replica closed the socket: {frame.CloseStatus} {frame.CloseStatusDescription}");
            }

            message.Write(buffer, 0, frame.Count);
            if (frame.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }
}
