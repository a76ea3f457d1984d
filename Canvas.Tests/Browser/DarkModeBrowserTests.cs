using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// Issue 10 item 7: dark mode follows <c>prefers-color-scheme</c>, and the toggle's choice is remembered, on both screens.
/// </summary>
public sealed class DarkModeBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    private const string Background = "() => getComputedStyle(document.body).backgroundColor";

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task Theme_FollowsTheSystem_AndTheToggleIsRememberedAcrossReloads(string screenName)
    {
        // Arrange: a system that asks for dark.
        var chat = await OpenChatAsync(test: $"{nameof(Theme_FollowsTheSystem_AndTheToggleIsRememberedAcrossReloads)}({screenName})", screen: Screen.Named(screenName), dark: true);
        var root = chat.Page.Locator("html");

        // Assert: dark by itself
        await Expect(root).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(22, 25, 29)", await chat.Page.EvaluateAsync<string>(Background));

        // Act: the user picks light, then reloads.
        await chat.Page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(root).ToHaveAttributeAsync("data-theme", "light");
        await chat.ReloadAsync();

        // Assert: still light, against the system's dark
        await Expect(root).ToHaveAttributeAsync("data-theme", "light");
        Assert.Equal("rgb(255, 255, 255)", await chat.Page.EvaluateAsync<string>(Background));
        await Expect(chat.Page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to dark mode");
    }
}
