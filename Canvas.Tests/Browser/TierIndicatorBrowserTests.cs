using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Each provider's first tier, as the indicator shows it and as the answer arrives over it.</summary>
public sealed class TierIndicatorBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Theory]
    [InlineData("gpt", "openai", "websocket", "🟢", "WebSocket", "indicator-websocket.png")]
    [InlineData("claude", "anthropic", "websocket", "🟢", "WebSocket", null)]
    [InlineData("local", "ollama", "sse", "🔵", "SSE (Ollama)", "indicator-sse-ollama.png")]
    public async Task Answer_OnTheAgentsFirstTier_ShowsThatTierAndTheRecordedText(
        string agentId, string provider, string tier, string dot, string label, string? screenshot)
    {
        // Arrange
        var chat = await OpenChatAsync(test: $"{nameof(Answer_OnTheAgentsFirstTier_ShowsThatTierAndTheRecordedText)}({agentId})");
        await chat.SelectAgentAsync(agentId);

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", tier);
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "false");
        await Expect(chat.Indicator).ToContainTextAsync(dot);
        await Expect(chat.IndicatorLabel).ToHaveTextAsync(label);
        await Expect(chat.LastAnswer.GetByTestId("message-stats")).ToHaveAttributeAsync("data-tier", tier);
        await Expect(chat.Page.GetByTestId("provider-badge")).ToHaveAttributeAsync("data-provider", provider);
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf(agentId)), await chat.ShownTextAsync(chat.LastAnswer));
        if (screenshot is not null)
        {
            await chat.IndicatorLabel.ClickAsync();
            await Expect(chat.Page.GetByTestId("transport-note")).ToBeVisibleAsync();
            await SaveScreenshotAsync(chat, screenshot);
        }
    }
}
