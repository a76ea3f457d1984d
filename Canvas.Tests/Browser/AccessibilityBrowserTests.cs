using Canvas.Tests.Browser.Accessibility;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Issue 10 item 8: axe-core finds no serious or critical violation on the main views, light and dark, phone and desktop.</summary>
public sealed class AccessibilityBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Theory]
    [InlineData("desktop", false)]
    [InlineData("desktop", true)]
    [InlineData("phone", false)]
    [InlineData("phone", true)]
    public async Task MainViews_HaveNoSeriousOrCriticalViolations(string screenName, bool dark)
    {
        // Arrange: a conversation with a highlighted code block and a table, the way people use the chat.
        var screen = Screen.Named(screenName);
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Raw(OpenAIStreams.Tokens(CodeBlockBrowserTests.Answer), "text/event-stream"));
        var chat = await OpenChatAsync(test: $"{nameof(MainViews_HaveNoSeriousOrCriticalViolations)}({screenName},{(dark ? "dark" : "light")})", screen: screen, dark: dark);
        var empty = await AxeCore.SeriousViolationsAsync(chat.Page);
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Show me C# and a table");
        await chat.WaitForAnswerAsync();

        // Act: the new chat, the conversation, the indicator's details, and on a phone the open drawer.
        var conversation = await AxeCore.SeriousViolationsAsync(chat.Page);
        await chat.Page.Locator(".indicator-button").ClickAsync();
        await Expect(chat.Page.GetByTestId("connection-details")).ToBeVisibleAsync();
        var details = await AxeCore.SeriousViolationsAsync(chat.Page);
        await chat.Page.Keyboard.PressAsync("Escape");
        IReadOnlyList<string> drawer = [];
        if (screen.Mobile)
        {
            await chat.Page.GetByTestId("drawer-toggle").ClickAsync();
            await Expect(chat.Page.GetByTestId("conversation-list")).ToBeVisibleAsync();
            drawer = await AxeCore.SeriousViolationsAsync(chat.Page);
        }

        // Assert
        Assert.Empty(empty);
        Assert.Empty(conversation);
        Assert.Empty(details);
        Assert.Empty(drawer);
        if (dark && !screen.Mobile)
        {
            await chat.Page.Keyboard.PressAsync("Escape");
            await SaveScreenshotAsync(chat, "dark.png");
        }
    }
}
