using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// Issue 10 item 4: copy, regenerate, regenerate with another agent (offered first after a provider failure), and
/// edit-and-resend; each answer keeps its agent, tier and timing, across a reload too. Copy is in
/// <see cref="CodeBlockBrowserTests"/>.
/// </summary>
public sealed class MessageActionsBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task RegenerateWithAnotherAgent_ReplacesTheAnswer_AndTheConversationKeepsWhoAnsweredAndHow(string screenName)
    {
        // Arrange
        var chat = await OpenChatAsync(test: $"{nameof(RegenerateWithAnotherAgent_ReplacesTheAnswer_AndTheConversationKeepsWhoAnsweredAndHow)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        await Expect(chat.LastAnswer.GetByTestId("message-agent")).ToHaveTextAsync("GPT-4o mini");

        // Act
        await chat.LastAnswer.GetByTestId("regenerate-with").ClickAsync();
        await chat.LastAnswer.Locator("[data-testid=agent-menu-item][data-agent-id=claude]").ClickAsync();
        await Expect(chat.LastAnswer.GetByTestId("message-agent")).ToHaveTextAsync("Claude Sonnet");
        await chat.WaitForAnswerAsync();

        // Assert: one exchange, answered by Claude, here and after a reload
        await Expect(chat.UserTexts).ToHaveTextAsync(["Hello"]);
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf("claude")), await chat.ShownTextAsync(chat.LastAnswer));
        await chat.ReloadAsync();
        await Expect(chat.UserTexts).ToHaveTextAsync(["Hello"]);
        await Expect(chat.Answers).ToHaveCountAsync(1);
        var stats = chat.LastAnswer.GetByTestId("message-stats");
        await Expect(stats.GetByTestId("message-agent")).ToHaveTextAsync("Claude Sonnet");
        await Expect(stats).ToHaveAttributeAsync("data-tier", "websocket");
        await Expect(stats).ToContainTextAsync("first token");
        await Expect(chat.Page.GetByTestId("agent-select")).ToHaveValueAsync("claude");
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task Regenerate_AnswersTheSameMessageAgain_InPlace(string screenName)
    {
        // Arrange
        var chat = await OpenChatAsync(test: $"{nameof(Regenerate_AnswersTheSameMessageAgain_InPlace)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        var firstGeneration = await chat.LastAnswer.GetAttributeAsync("data-generation-id");
        var requestsBefore = Stack.Environment.OpenAI.Requests.Count;

        // Act
        await chat.LastAnswer.GetByTestId("regenerate").ClickAsync();
        await Expect(chat.LastAnswer).Not.ToHaveAttributeAsync("data-generation-id", firstGeneration!);
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.UserTexts).ToHaveTextAsync(["Hello"]);
        await chat.ReloadAsync();
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(requestsBefore + 1, Stack.Environment.OpenAI.Requests.Count);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task EditTheLastMessage_ResendsTheNewText_AndReplacesTheAnswer(string screenName)
    {
        // Arrange
        var chat = await OpenChatAsync(test: $"{nameof(EditTheLastMessage_ResendsTheNewText_AndReplacesTheAnswer)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Helo");
        await chat.WaitForAnswerAsync();

        // Act
        await chat.Page.Locator("[data-testid=message][data-role=user]").GetByTestId("edit-message").ClickAsync();
        await chat.Page.GetByTestId("edit-input").FillAsync("Hello, corrected");
        await chat.Page.GetByTestId("edit-save").ClickAsync();
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.UserTexts).ToHaveTextAsync(["Hello, corrected"]);
        await chat.ReloadAsync();
        await Expect(chat.UserTexts).ToHaveTextAsync(["Hello, corrected"]);
        await Expect(chat.Answers).ToHaveCountAsync(1);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task ProviderFailure_OffersAnotherAgentFirst_WhichAnswersTheSameMessage(string screenName)
    {
        // Arrange: OpenAI fails.
        Stack.Environment.OpenAI.Enqueue(FakeResponse.InternalServerError());
        var chat = await OpenChatAsync(test: $"{nameof(ProviderFailure_OffersAnotherAgentFirst_WhichAnswersTheSameMessage)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        var error = chat.LastAnswer.GetByTestId("message-error");
        await Expect(error).ToBeVisibleAsync();

        // Act: the first button of the error is another agent.
        var first = error.Locator("button").First;
        await Expect(first).ToHaveAttributeAsync("data-testid", "retry-with-other");
        var other = await first.GetAttributeAsync("data-agent-id");
        await SaveScreenshotAsync(chat, $"provider-failure-{(screenName == "phone" ? "mobile" : "desktop")}.png");
        await first.ClickAsync();
        await Expect(chat.LastAnswer.GetByTestId("message-error")).ToHaveCountAsync(0);
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.UserTexts).ToHaveTextAsync(["Hello"]);
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf(other!)), await chat.ShownTextAsync(chat.LastAnswer));
        await Expect(chat.LastAnswer.GetByTestId("message-stats")).ToHaveAttributeAsync("data-agent-id", other!);
    }
}
