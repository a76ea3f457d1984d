using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

/// <summary>
/// A WebSocket that cannot be opened is told apart from one that is accepted and then closed (the browser test
/// <c>FallbackBrowserTests.WebSocketClosedOnConnect…</c> shows the second in Chromium).
/// </summary>
public sealed class WebSocketFailureReasonTests
{
    [Fact]
    public async Task StartAsync_UpgradeRefused_SaysTheWebSocketCouldNotBeOpened()
    {
        // Arrange: the frontend refuses an upgrade without its own Origin (403), as a blocking proxy would.
        await using var host = await FrontendTestHost.StartAsync();
        await using var transport = new WebSocketChatTransport(host.Address, new ChatTransportOptions());

        // Act
        var failure = await Assert.ThrowsAsync<TransportFailedException>(() =>
            Generation.CollectAsync(transport.StartAsync(new ChatStart("gpt", null, "hi"), null, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20)));

        // Assert
        Assert.StartsWith("The WebSocket could not be opened", failure.Message);
        Assert.DoesNotContain("accepted", failure.Message);
    }
}
