using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// Issue 10 item 3: code blocks highlighted with their language and a copy button; tables readable on a phone; and
/// (item 4) Copy on the message gives its Markdown.
/// </summary>
public sealed class CodeBlockBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    /// <summary>An answer with C# and a table wider than a phone.</summary>
    public const string Answer = """
        Here is a small C# method:

        ```csharp
        public static int Add(int a, int b)
        {
            // Adds two numbers.
            var unit = "items";
            return a + b;
        }
        ```

        | Provider | First tier | Fallback | Resumable | Reasoning shown live |
        | --- | --- | --- | --- | --- |
        | OpenAI | WebSocket | SSE, then REST | yes, after the last seq | no |
        | Ollama | SSE | REST | yes, after the last seq | yes, as thinking |
        """;

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task CodeBlock_IsHighlightedLabelledAndCopiable_AndTheTableScrollsInsideTheAnswer(string screenName)
    {
        // Arrange
        var screen = Screen.Named(screenName);
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Raw(OpenAIStreams.Tokens(Answer), "text/event-stream"));
        var chat = await OpenChatAsync(test: $"{nameof(CodeBlock_IsHighlightedLabelledAndCopiable_AndTheTableScrollsInsideTheAnswer)}({screenName})", screen: screen);
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Show me C# and a table");
        await chat.WaitForAnswerAsync();
        var block = chat.LastAnswer.GetByTestId("code-block");
        await block.GetByTestId("copy-code").ClickAsync();

        // Assert: highlighted, labelled, copied as the exact code
        await Expect(block.GetByTestId("code-language")).ToHaveTextAsync("csharp");
        await Expect(block.Locator(".hl-keyword").First).ToHaveTextAsync("public");
        await Expect(block.Locator(".hl-comment")).ToHaveTextAsync("// Adds two numbers.");
        await Expect(block.Locator(".hl-string")).ToHaveTextAsync("\"items\"");
        await Expect(block.GetByTestId("copy-code")).ToHaveTextAsync("Copied");
        var copied = await chat.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal("public static int Add(int a, int b)\n{\n    // Adds two numbers.\n    var unit = \"items\";\n    return a + b;\n}", copied);

        // The table has borders and padding, and scrolls by itself when wider than the answer.
        var table = chat.LastAnswer.Locator("table");
        var cell = table.Locator("td").First;
        Assert.Equal("1px", await cell.EvaluateAsync<string>("td => getComputedStyle(td).borderTopWidth"));
        Assert.NotEqual("0px", await cell.EvaluateAsync<string>("td => getComputedStyle(td).paddingLeft"));
        Assert.Equal("auto", await table.EvaluateAsync<string>("t => getComputedStyle(t).overflowX"));
        var pageScrollsSideways = await chat.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth");
        Assert.False(pageScrollsSideways);
        if (screen.Mobile)
        {
            Assert.True(await table.EvaluateAsync<bool>("t => t.scrollWidth > t.clientWidth"), "At 390 px the table should scroll inside the answer.");
        }

        // Copying the whole message gives its Markdown source.
        await chat.LastAnswer.GetByTestId("copy-message").ClickAsync();
        await Expect(chat.LastAnswer.GetByTestId("copy-message")).ToHaveTextAsync("Copied");
        Assert.Equal(Answer, await chat.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await block.ScrollIntoViewIfNeededAsync();
        await SaveScreenshotAsync(chat, screen.Mobile ? "mobile.png" : "desktop-code.png");
    }
}
