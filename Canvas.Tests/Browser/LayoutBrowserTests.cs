using Canvas.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Issue 10 item 1: from a 360 px phone to a laptop, every control is on screen and the input stays at the bottom.</summary>
public sealed class LayoutBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Theory]
    [InlineData("phone")]
    [InlineData("small-phone")]
    [InlineData("desktop")]
    public async Task Chat_OnEachScreen_HasPickerIndicatorNewChatAndInputOnScreen(string screenName)
    {
        // Arrange
        var screen = Screen.Named(screenName);
        var chat = await OpenChatAsync(test: $"{nameof(Chat_OnEachScreen_HasPickerIndicatorNewChatAndInputOnScreen)}({screenName})", screen: screen);
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await ExpectOnScreenAsync(chat.Page.GetByTestId("agent-select"), screen);
        await ExpectOnScreenAsync(chat.Page.Locator(".indicator-button"), screen);
        await ExpectOnScreenAsync(chat.Page.GetByTestId("theme-toggle"), screen);
        await ExpectOnScreenAsync(chat.Page.GetByTestId("send-button"), screen);
        Assert.True(await chat.MessageInput.EvaluateAsync<bool>("box => box.value === '' && box.scrollHeight <= box.clientHeight"),
            "The message box's placeholder does not fit in it.");
        var input = await chat.MessageInput.BoundingBoxAsync();
        Assert.InRange(screen.Height - (input!.Y + input.Height), 0, 40);
        var newChat = chat.Page.GetByTestId(screen.Mobile ? "toolbar-new-chat" : "new-conversation");
        await ExpectOnScreenAsync(newChat, screen);
        await Expect(chat.Page.GetByTestId("drawer-toggle")).ToBeVisibleAsync(new() { Visible = screen.Mobile });
        await Expect(chat.Page.GetByTestId("conversation-list")).ToBeVisibleAsync(new() { Visible = !screen.Mobile });
        Assert.False(await chat.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"),
            "The page scrolls sideways.");
        await SaveScreenshotAsync(chat, $"layout-{screenName}.png");

        // On a phone the indicator is its dot only; a tap shows its label and why, on screen.
        await Expect(chat.IndicatorLabel).ToBeVisibleAsync(new() { Visible = !screen.Mobile });
        await chat.Page.Locator(".indicator-button").ClickAsync();
        var details = chat.Page.GetByTestId("connection-details");
        await Expect(details.Locator(".details-label")).ToHaveTextAsync("🟢 WebSocket");
        await ExpectOnScreenAsync(details, screen);
    }

    [Fact]
    public async Task Drawer_OnAPhone_OpensFromTheToggle_AndClosesOnEscapeAndOnTheBackdrop()
    {
        // Arrange
        var chat = await OpenChatAsync(screen: Screen.Phone);
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        var toggle = chat.Page.GetByTestId("drawer-toggle");

        // Act + Assert: open, Escape
        await toggle.ClickAsync();
        await Expect(chat.Page.GetByTestId("conversation-list")).ToBeVisibleAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(chat.Conversations).ToHaveCountAsync(1);
        await SaveScreenshotAsync(chat, "mobile-drawer.png");
        await chat.Page.Keyboard.PressAsync("Escape");
        await Expect(chat.Page.GetByTestId("conversation-list")).Not.ToBeVisibleAsync();

        // Open again, close on the backdrop (right of the drawer).
        await toggle.ClickAsync();
        await Expect(chat.Page.GetByTestId("conversation-list")).ToBeVisibleAsync();
        await chat.Page.Mouse.ClickAsync(Screen.Phone.Width - 10, Screen.Phone.Height / 2);
        await Expect(chat.Page.GetByTestId("conversation-list")).Not.ToBeVisibleAsync();

        // Opening a conversation from the drawer closes it.
        await toggle.ClickAsync();
        await chat.Conversations.First.Locator(".open").ClickAsync();
        await Expect(chat.Page.GetByTestId("conversation-list")).Not.ToBeVisibleAsync();
        await Expect(chat.Answers).ToHaveCountAsync(1);
    }

    private static async Task ExpectOnScreenAsync(ILocator control, Screen screen)
    {
        await Expect(control).ToBeVisibleAsync();
        var box = await control.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= screen.Width && box.Y + box.Height <= screen.Height,
            $"The control is at ({box.X}, {box.Y}) {box.Width}×{box.Height}, outside the {screen.Width}×{screen.Height} screen.");
    }
}
