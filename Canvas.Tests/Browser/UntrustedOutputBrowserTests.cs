using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Model output is untrusted: markup in it must reach the user as text and never run.</summary>
public sealed class UntrustedOutputBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    private const string Script = "<script>window.canvasInjected = 'script'; alert('script');</script>";
    private const string Image = "<img src=\"/canvas-injected.png\" onerror=\"window.canvasInjected = 'img'; alert('img')\">";
    private const string Link = "[click me](javascript:window.canvasInjected='link')";

    [Theory]
    [InlineData("script", Script)]
    [InlineData("img-onerror", Image)]
    [InlineData("javascript-link", Link)]
    public async Task MarkupInModelOutput_IsShownAsTextAndNeverRuns(string name, string markup)
    {
        // Arrange
        var answer = $"Here it is: {markup} Done.";
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Raw(OpenAIStreams.Of(["Here it is: ", markup, " Done."]), "text/event-stream"));
        var chat = await OpenChatAsync(test: $"{nameof(MarkupInModelOutput_IsShownAsTextAndNeverRuns)}({name})");
        var dialogs = new List<string>();
        chat.Page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        var fetched = new List<string>();
        chat.Page.Request += (_, request) => fetched.Add(request.Url);
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Show me some HTML");
        await chat.WaitForAnswerAsync();
        await chat.LastAnswer.GetByTestId("message-text").Locator("a, p").First.ClickAsync();

        // Assert
        Assert.Equal(await chat.ExpectedShownTextAsync(answer), await chat.ShownTextAsync(chat.LastAnswer));
        if (markup != Link)
        {
            await Expect(chat.LastAnswer.GetByTestId("message-text")).ToContainTextAsync(markup);
        }

        await Expect(chat.LastAnswer.Locator("script, img, [onerror], a[href^='javascript']")).ToHaveCountAsync(0);
        Assert.Null(await chat.Page.EvaluateAsync<string?>("() => window.canvasInjected ?? null"));
        Assert.Empty(dialogs);
        Assert.DoesNotContain(fetched, url => url.Contains("canvas-injected", StringComparison.Ordinal));
    }
}
