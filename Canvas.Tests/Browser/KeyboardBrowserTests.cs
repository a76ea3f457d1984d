using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Issue 10 item 8: Enter sends, Shift+Enter adds a line, Tab goes round every control, Escape and a click outside close popovers.</summary>
public sealed class KeyboardBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task Enter_Sends_ShiftEnter_AddsALine(string screenName)
    {
        // Arrange
        var chat = await OpenChatAsync(test: $"{nameof(Enter_Sends_ShiftEnter_AddsALine)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.MessageInput.FocusAsync();

        // Act
        await chat.Page.Keyboard.TypeAsync("First line");
        await chat.Page.Keyboard.PressAsync("Shift+Enter");
        await chat.Page.Keyboard.TypeAsync("second line");
        await Expect(chat.Answers).ToHaveCountAsync(0);
        await chat.Page.Keyboard.PressAsync("Enter");

        // Assert
        await chat.WaitForAnswerAsync();
        await Expect(chat.UserTexts).ToHaveTextAsync(["First line\nsecond line"]);
        await Expect(chat.MessageInput).ToHaveValueAsync("");
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task Tab_ReachesEveryControl_AndComesBackToTheMessageBox_AndEscapeOrAClickOutsideClosesThePopover(string screenName)
    {
        // Arrange: a new chat with a message typed, so that the picker and Send are on.
        var chat = await OpenChatAsync(test: $"{nameof(Tab_ReachesEveryControl_AndComesBackToTheMessageBox_AndEscapeOrAClickOutsideClosesThePopover)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.MessageInput.FillAsync("Hello");
        await chat.MessageInput.FocusAsync();
        Assert.Null(await chat.MessageInput.GetAttributeAsync("tabindex"));

        // Act + Assert: Tab goes round to the message box, past the picker and Send; Enter there sends.
        var onANewChat = await TabRoundAsync(chat);
        Assert.Contains("agent-select", onANewChat);
        Assert.Contains("send-button", onANewChat);
        await chat.Page.Keyboard.PressAsync("Enter");
        await chat.WaitForAnswerAsync();

        // In the conversation, every control and the message's buttons (the agent is locked now, and Send is off
        // while the box is empty).
        await chat.MessageInput.FocusAsync();
        var reached = await TabRoundAsync(chat);
        var expected = screenName == "phone"
            ? new[] { "drawer-toggle", "toolbar-new-chat", "theme-toggle", "connection-button", "copy-message", "regenerate", "regenerate-with" }
            : new[] { "new-conversation", "conversation-search", "rename-conversation", "delete-conversation", "theme-toggle", "connection-button", "copy-message", "regenerate", "regenerate-with" };
        Assert.All(expected, control => Assert.Contains(control, reached));
        var unlabelled = await chat.Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('button')].filter(b => b.checkVisibility() && !(b.getAttribute('aria-label') || b.textContent.trim().match(/[A-Za-z]/))).map(b => b.outerHTML)");
        Assert.Empty(unlabelled);

        // The indicator's details close on Escape and on a click outside.
        var details = chat.Page.GetByTestId("connection-details");
        await chat.Page.GetByTestId("connection-button").ClickAsync();
        await Expect(details).ToBeVisibleAsync();
        await chat.Page.Keyboard.PressAsync("Escape");
        await Expect(details).Not.ToBeVisibleAsync();
        await chat.Page.GetByTestId("connection-button").ClickAsync();
        await Expect(details).ToBeVisibleAsync();
        await chat.Page.Mouse.ClickAsync(screenName == "phone" ? 200 : 400, 400);
        await Expect(details).Not.ToBeVisibleAsync();

        // So does the menu of other agents under an answer.
        var menu = chat.LastAnswer.GetByTestId("agent-menu");
        await chat.LastAnswer.GetByTestId("regenerate-with").ClickAsync();
        await Expect(menu).ToBeVisibleAsync();
        var box = (await menu.BoundingBoxAsync())!;
        var screen = Screen.Named(screenName);
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= screen.Width && box.Y + box.Height <= screen.Height,
            $"The menu is at ({box.X}, {box.Y}) {box.Width}×{box.Height}, outside the {screen.Width}×{screen.Height} screen.");
        await chat.Page.Keyboard.PressAsync("Escape");
        await Expect(menu).Not.ToBeVisibleAsync();
        await chat.LastAnswer.GetByTestId("regenerate-with").ClickAsync();
        await Expect(menu).ToBeVisibleAsync();
        await chat.Page.Mouse.ClickAsync(10, screenName == "phone" ? 120 : 400);
        await Expect(menu).Not.ToBeVisibleAsync();
    }

    // Presses Tab until the message box has the focus again; returns what had it on the way.
    private static async Task<List<string>> TabRoundAsync(ChatPage chat)
    {
        var reached = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            await chat.Page.Keyboard.PressAsync("Tab");
            var focused = await chat.FocusedAsync();
            if (focused == "message-input")
            {
                return reached;
            }

            reached.Add(focused);
        }

        throw new Xunit.Sdk.XunitException($"Tab never came back to the message box; it went through {string.Join(", ", reached)}.");
    }
}
