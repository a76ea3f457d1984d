using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>The connection check panel probes each tier from the browser and says what works.</summary>
public sealed class ConnectionCheckBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Fact]
    public async Task ConnectionCheck_OnAnOpenNetwork_ReportsEveryTierWorking()
    {
        // Arrange
        var chat = await OpenChatAsync();
        await chat.SelectAgentAsync("gpt");

        // Act
        var results = await RunConnectionCheckAsync(chat);

        // Assert
        await Expect(results).ToHaveCountAsync(3);
        await Expect(Result(chat, "websocket")).ToHaveAttributeAsync("data-works", "true");
        await Expect(Result(chat, "sse")).ToHaveAttributeAsync("data-works", "true");
        await Expect(Result(chat, "rest")).ToHaveAttributeAsync("data-works", "true");
        await Expect(chat.Page.GetByTestId("connection-check")).ToContainTextAsync("Answers can stream the fastest way.");
        await SaveScreenshotAsync(chat, "connection-check.png");
    }

    [Fact]
    public async Task ConnectionCheck_WithTheWebSocketClosedByAProxy_ReportsItAndThatSseWorks()
    {
        // Arrange: accepted, then closed, as a proxy without WebSocket support may do.
        var chat = await OpenChatAsync();
        await chat.Page.RouteWebSocketAsync("**/api/chat/ws", socket => _ = socket.CloseAsync(new() { Code = 1011, Reason = "blocked by test" }));
        await chat.SelectAgentAsync("gpt");

        // Act
        var results = await RunConnectionCheckAsync(chat);

        // Assert
        await Expect(results).ToHaveCountAsync(3);
        await Expect(Result(chat, "websocket")).ToHaveAttributeAsync("data-works", "false");
        await Expect(Result(chat, "sse")).ToHaveAttributeAsync("data-works", "true");
        await Expect(Result(chat, "rest")).ToHaveAttributeAsync("data-works", "true");
        await Expect(chat.Page.GetByTestId("connection-check")).ToContainTextAsync("server-sent events");
    }

    private static async Task<Microsoft.Playwright.ILocator> RunConnectionCheckAsync(ChatPage chat)
    {
        await chat.IndicatorLabel.ClickAsync();
        await chat.Page.GetByText("Check the connection").ClickAsync();
        await chat.Page.GetByTestId("connection-check-run").ClickAsync();
        return chat.Page.GetByTestId("probe-result");
    }

    private static Microsoft.Playwright.ILocator Result(ChatPage chat, string tier) =>
        chat.Page.Locator($"[data-testid=probe-result][data-tier={tier}]");
}
