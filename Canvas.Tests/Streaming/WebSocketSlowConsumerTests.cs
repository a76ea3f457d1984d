using System.Net.WebSockets;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Streaming;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.Streaming;

/// <summary>
/// A WebSocket client that takes nothing is disconnected once a send has been pending for
/// <see cref="ChatLimitsOptions.SlowConsumerTimeout"/>, and not before.
/// </summary>
public sealed class WebSocketSlowConsumerTests : ChatApiTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_SendPendingPastTheSlowConsumerTimeout_AbortsTheSocket()
    {
        // Arrange: the client sends one frame (a binary one, which gets an error message back) and then reads nothing.
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var services = Api.Services.GetRequiredService<ChatServices>();
        using var socket = new StalledWebSocket();
        var session = new ChatSocketSession(socket, "user-1", services, NullLogger.Instance, CancellationToken.None, clock);
        var running = Task.Run(session.RunAsync);
        await socket.SendStarted.WaitAsync(Bound);

        // Act
        clock.Advance(services.Limits.SlowConsumerTimeout - TimeSpan.FromSeconds(1));
        var abortedBeforeTheBound = socket.Aborted;
        clock.Advance(TimeSpan.FromSeconds(1));
        await running.WaitAsync(Bound);

        // Assert
        Assert.False(abortedBeforeTheBound);
        Assert.True(socket.Aborted);
    }

    /// <summary>A socket whose client sent one binary frame and then takes nothing until it is aborted.</summary>
    private sealed class StalledWebSocket : WebSocket
    {
        private readonly CancellationTokenSource _aborted = new();
        private readonly TaskCompletionSource _sendStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _received;

        public Task SendStarted => _sendStarted.Task;

        public bool Aborted => _aborted.IsCancellationRequested;

        public override WebSocketCloseStatus? CloseStatus => null;
        public override string? CloseStatusDescription => null;
        public override WebSocketState State => Aborted ? WebSocketState.Aborted : WebSocketState.Open;
        public override string? SubProtocol => null;

        public override void Abort() => _aborted.Cancel();

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            if (!_received)
            {
                _received = true;
                buffer[0] = 1;
                return new WebSocketReceiveResult(1, WebSocketMessageType.Binary, endOfMessage: true);
            }

            await WaitUntilAbortedAsync(cancellationToken);
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            _sendStarted.TrySetResult();
            await WaitUntilAbortedAsync(cancellationToken);
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;
        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Dispose() => _aborted.Dispose();

        private async Task WaitUntilAbortedAsync(CancellationToken cancellationToken)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token, cancellationToken);
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
