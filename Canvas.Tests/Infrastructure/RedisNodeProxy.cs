using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback in front of one Redis node. It plays the two moments of a first connect that no real
/// restart hits on purpose: the node going away right after it finished the client's handshake, and a node whose
/// answers are late. A StackExchange.Redis handshake ends with <c>ECHO &lt;multiplexer id&gt;</c> on each of a node's
/// two connections, and only the interactive one also sends <c>CLUSTER</c>.
/// </summary>
public sealed class RedisNodeProxy : IAsyncDisposable
{
    private const int HandshakeSniffLimit = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _nodePort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Relay, byte> _open = new();
    private readonly Lock _handshakes = new();
    private readonly TaskCompletionSource _reconnectTurnedAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile TaskCompletionSource _repliesReleased = Released();
    private Task _accepting = Task.CompletedTask;
    private volatile bool _dropAfterHandshake;
    private volatile bool _down;
    private int _handshakesAnswered;
    private bool _interactiveAnswered;

    private RedisNodeProxy(int nodePort) => _nodePort = nodePort;

    /// <summary>Gets a StackExchange.Redis endpoint for the proxy.</summary>
    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>
    /// Gets a task that completes once the proxy went down and turned away the connection that came next, which
    /// StackExchange.Redis opens at once when a connection drops.
    /// </summary>
    public Task ReconnectTurnedAway => _reconnectTurnedAway.Task;

    /// <summary>Starts a proxy that forwards every connection to the node on <paramref name="nodePort"/>.</summary>
    /// <param name="nodePort">The node's loopback port.</param>
    /// <returns>The running proxy.</returns>
    public static RedisNodeProxy Start(int nodePort)
    {
        var proxy = new RedisNodeProxy(nodePort);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    /// <summary>
    /// Goes down once the node has answered a client's handshake on both its connections: every open connection is
    /// closed, and every later one is closed as soon as it is accepted, until <see cref="ServeAgain"/>.
    /// </summary>
    public void DropAfterHandshake() => _dropAfterHandshake = true;

    /// <summary>Forwards connections again after the proxy went down.</summary>
    public void ServeAgain() => _down = false;

    /// <summary>Holds what the node answers until <see cref="ReleaseReplies"/>; what clients send still reaches it.</summary>
    public void HoldReplies() => _repliesReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets held answers through, in order.</summary>
    public void ReleaseReplies() => _repliesReleased.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        ReleaseReplies();
        foreach (var relay in _open.Keys)
        {
            relay.Close();
        }

        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_down)
            {
                client.Close();
                _reconnectTurnedAway.TrySetResult();
                continue;
            }

            var node = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await node.ConnectAsync(IPAddress.Loopback, _nodePort, _stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                client.Close();
                node.Dispose();
                continue;
            }

            var relay = new Relay(client, node);
            _open[relay] = 0;
            _ = RunAsync(relay);
        }
    }

    private async Task RunAsync(Relay relay)
    {
        await Task.WhenAll(
            PumpAsync(relay, relay.Client, relay.Node, replies: false),
            PumpAsync(relay, relay.Node, relay.Client, replies: true));
        relay.Close();
        _open.TryRemove(relay, out _);
    }

    // Requests are sniffed for the handshake's tracer; replies wait while held and are sniffed for the tracer's echo,
    // which goes on to the client before the proxy may go down.
    private async Task PumpAsync(Relay relay, Socket from, Socket to, bool replies)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token)) > 0)
            {
                var handshakeAnswered = false;
                if (replies)
                {
                    await _repliesReleased.Task;
                    handshakeAnswered = relay.SniffReplyForHandshakeEnd(buffer.AsSpan(0, read));
                }
                else
                {
                    relay.SniffRequest(buffer.AsSpan(0, read));
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token);
                if (handshakeAnswered)
                {
                    OnHandshakeAnswered(relay);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            relay.Close();
        }
    }

    private void OnHandshakeAnswered(Relay relay)
    {
        lock (_handshakes)
        {
            _interactiveAnswered |= relay.IsInteractive;
            if (++_handshakesAnswered < 2 || !_interactiveAnswered || !_dropAfterHandshake || _down)
            {
                return;
            }

            _down = true;
            _dropAfterHandshake = false;
        }

        foreach (var open in _open.Keys)
        {
            open.Close();
        }
    }

    /// <summary>One client connection and the proxy's connection to the node for it.</summary>
    private sealed class Relay(Socket client, Socket node)
    {
        private readonly StringBuilder _requests = new();
        private readonly StringBuilder _replies = new();
        private string? _tracer;
        private bool _answered;
        private int _closed;

        public Socket Client { get; } = client;

        public Socket Node { get; } = node;

        public bool IsInteractive { get; private set; }

        public void SniffRequest(ReadOnlySpan<byte> bytes)
        {
            if (_tracer is not null || _requests.Length > HandshakeSniffLimit)
            {
                return;
            }

            _requests.Append(Encoding.Latin1.GetString(bytes));
            var text = _requests.ToString();
            IsInteractive |= text.Contains("\r\nCLUSTER\r\n", StringComparison.Ordinal);
            _tracer = TracerArgument(text);
        }

        /// <summary>Tells whether these bytes complete the node's answer to the handshake's closing <c>ECHO</c>.</summary>
        public bool SniffReplyForHandshakeEnd(ReadOnlySpan<byte> bytes)
        {
            if (_answered || _tracer is null || _replies.Length > HandshakeSniffLimit)
            {
                return false;
            }

            _replies.Append(Encoding.Latin1.GetString(bytes));
            _answered = _replies.ToString().Contains($"\r\n{_tracer}\r\n", StringComparison.Ordinal);
            return _answered;
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                Client.Close();
                Node.Close();
            }
        }

        // The RESP request "*2\r\n$4\r\nECHO\r\n$<n>\r\n<argument>\r\n", once all of it has arrived.
        private static string? TracerArgument(string requests)
        {
            const string Echo = "\r\nECHO\r\n$";
            var at = requests.IndexOf(Echo, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            var lengthStart = at + Echo.Length;
            var lengthEnd = requests.IndexOf("\r\n", lengthStart, StringComparison.Ordinal);
            if (lengthEnd < 0 || !int.TryParse(requests.AsSpan(lengthStart, lengthEnd - lengthStart), out var length))
            {
                return null;
            }

            var argumentStart = lengthEnd + 2;
            return requests.Length >= argumentStart + length ? requests.Substring(argumentStart, length) : null;
        }
    }
}
