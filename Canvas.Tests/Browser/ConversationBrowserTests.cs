using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Issue 10 item 5: a new chat is listed at once; rename inline, search titles, date and agent shown, delete after a confirmation.</summary>
public sealed class ConversationBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Fact]
    public async Task NewChat_IsListedWhileItsFirstAnswerStreams_WithItsAgentAndTime()
    {
        // Arrange: the upstream holds the answer half-way.
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { Fault = StreamFault.Stall(afterChunks: 4) });
        var chat = await OpenChatAsync(screen: Screen.Desktop);
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Count to five");
        await chat.WaitForPartialAnswerAsync();

        // Assert
        await Expect(chat.Conversations).ToHaveCountAsync(1);
        await Expect(chat.Conversations.First.GetByTestId("conversation-title")).ToContainTextAsync("Count to five");
        await Expect(chat.Conversations.First.GetByTestId("conversation-meta")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d · GPT-4o mini$"));
        Stack.Environment.OpenAI.ReleaseStalledResponses();
        await chat.WaitForAnswerAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Rename_Inline_IsKept_AndSearchFindsByTitle()
    {
        // Arrange: two conversations.
        var chat = await OpenChatAsync(screen: Screen.Desktop);
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        await chat.Page.GetByTestId("new-conversation").ClickAsync();
        await chat.SendAsync("Count to five");
        await chat.WaitForAnswerAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(2);

        // Act: rename the older one.
        var older = chat.Conversations.Last;
        await older.GetByTestId("rename-conversation").ClickAsync();
        await chat.Page.GetByTestId("rename-input").FillAsync("Greetings from the test");
        await chat.Page.Keyboard.PressAsync("Enter");

        // Assert: renamed, kept across a reload, found by a part of its title in any case
        await Expect(chat.Page.GetByTestId("conversation-title")).ToContainTextAsync(["Count to five", "Greetings from the test"]);
        await chat.ReloadAsync();
        await Expect(chat.Page.GetByTestId("conversation-title")).ToContainTextAsync(["Count to five", "Greetings from the test"]);
        await chat.Page.GetByTestId("conversation-search").FillAsync("GREETINGS");
        await Expect(chat.Page.GetByTestId("conversation-title")).ToHaveTextAsync(["Greetings from the test"]);
        await chat.Page.GetByTestId("conversation-search").FillAsync("nothing like this");
        await Expect(chat.Conversations).ToHaveCountAsync(0);
        await Expect(chat.Page.GetByTestId("conversation-search-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Delete_OnAPhone_AsksFirst_KeepLeavesIt_DeleteRemovesIt()
    {
        // Arrange
        var chat = await OpenChatAsync(screen: Screen.Phone);
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        await chat.Page.GetByTestId("drawer-toggle").ClickAsync();

        // Act + Assert: Keep
        await chat.Conversations.First.GetByTestId("delete-conversation").ClickAsync();
        await Expect(chat.Page.GetByTestId("delete-confirm")).ToBeVisibleAsync();
        await chat.Page.GetByTestId("delete-confirm-no").ClickAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(1);

        // Delete
        await chat.Conversations.First.GetByTestId("delete-conversation").ClickAsync();
        await chat.Page.GetByTestId("delete-confirm-yes").ClickAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(0);
        await Expect(chat.Answers).ToHaveCountAsync(0);
        await chat.ReloadAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(0);
    }
}
