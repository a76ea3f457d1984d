using System.Text.RegularExpressions;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// Issue 10 item 5: a new chat is listed at once; rename inline; search titles on the server as the user types;
/// the list pages through the API's <c>Link</c> header as it scrolls into view; date and agent shown; delete with
/// undo, a reload during the undo window included.
/// </summary>
/// <remarks>
/// Abstract, with a class per screen: each gets its own stack, because a fake upstream's stall, once released, lets
/// every later response of that fake through. The undo window is set in the address: ten minutes, so that only the
/// test's clicks end it, or zero, so that it ends at once.
/// </remarks>
public abstract class ConversationBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output, Screen screen)
    : BrowserTest(chromium, redis, stack, output)
{
    private const string UndoHeldOpen = "/?undoDeleteMs=600000";

    [Fact]
    public async Task NewChat_IsListedWhileItsFirstAnswerStreams_WithItsAgentAndTime()
    {
        // Arrange: the upstream holds the answer half-way.
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { Fault = StreamFault.Stall(afterChunks: 4) });
        var chat = await OpenChatAsync(screen: screen);
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Count to five");
        await chat.WaitForPartialAnswerAsync();

        // Assert
        await chat.ShowConversationsAsync(screen);
        await Expect(chat.Conversations).ToHaveCountAsync(1);
        await Expect(chat.Conversations.First.GetByTestId("conversation-title")).ToContainTextAsync("Count to five");
        await Expect(chat.Conversations.First.GetByTestId("conversation-meta")).ToHaveTextAsync(new Regex(@"^\d\d:\d\d · GPT-4o mini$"));
        Stack.Environment.OpenAI.ReleaseStalledResponses();
        await chat.WaitForAnswerAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Rename_Inline_IsKept_AndSearchAsksTheServerAsTheUserTypes()
    {
        // Arrange: two conversations.
        var context = await NewContextAsync(screen);
        await StartConversationsAsync(context, "gpt", "Hello", "Count to five");
        var chat = await OpenChatAsync(context: context);
        await chat.ShowConversationsAsync(screen);
        await Expect(chat.Conversations).ToHaveCountAsync(2);
        var searches = new List<string>();
        chat.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/conversations?", StringComparison.Ordinal))
            {
                searches.Add(new Uri(request.Url).Query);
            }
        };

        // Act: rename the older one.
        await chat.Conversations.Last.GetByTestId("rename-conversation").ClickAsync();
        await chat.Page.GetByTestId("rename-input").FillAsync("Greetings from the test");
        await chat.Page.Keyboard.PressAsync("Enter");

        // Assert: renamed, kept across a reload, found by the server by a part of its title in any case
        await Expect(chat.Page.GetByTestId("conversation-title")).ToContainTextAsync(["Count to five", "Greetings from the test"]);
        await chat.ReloadAsync();
        await chat.ShowConversationsAsync(screen);
        await Expect(chat.Page.GetByTestId("conversation-title")).ToContainTextAsync(["Count to five", "Greetings from the test"]);
        await chat.Page.GetByTestId("conversation-search").PressSequentiallyAsync("GREETINGS");
        await Expect(chat.Page.GetByTestId("conversation-title")).ToHaveTextAsync(["Greetings from the test"]);
        Assert.Contains(searches, query => query.Contains("q=GREETINGS", StringComparison.Ordinal));
        await chat.Page.GetByTestId("conversation-search").FillAsync("nothing like this");
        await Expect(chat.Conversations).ToHaveCountAsync(0);
        await Expect(chat.Page.GetByTestId("conversation-search-empty")).ToBeVisibleAsync();
        await chat.Page.GetByTestId("conversation-search").FillAsync("");
        await Expect(chat.Conversations).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task ALongList_IsReadPageByPageThroughTheLinkHeader_AsItsEndScrollsIntoView()
    {
        // Arrange: five conversations, two to a page.
        var context = await NewContextAsync(screen);
        var started = await StartConversationsAsync(context, "gpt", "One", "Two", "Three", "Four", "Five");
        var pages = new List<string>();
        context.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/conversations?", StringComparison.Ordinal))
            {
                pages.Add(new Uri(request.Url).Query);
            }
        };

        // Act
        var chat = await OpenChatAsync("/?conversationsPerPage=2", context);
        await chat.ShowConversationsAsync(screen);

        // Assert: all of them, newest first, the later pages through the API's links, and no Load more at the end
        await Expect(chat.Page.GetByTestId("conversation-title")).ToHaveTextAsync(["Five", "Four", "Three", "Two", "One"]);
        Assert.Equal(started.Reverse(), await chat.Conversations.EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.conversationId)"));
        Assert.True(pages.Count(query => query.Contains("before=", StringComparison.Ordinal)) >= 2, string.Join(" ", pages));
        await Expect(chat.Page.GetByTestId("load-more-conversations")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Delete_ShowsUndo_UndoKeepsIt_AndAReloadDuringTheWindowOffersItAgain()
    {
        // Arrange
        var context = await NewContextAsync(screen);
        var id = (await StartConversationsAsync(context, "gpt", "Hello"))[0];
        var chat = await OpenChatAsync(UndoHeldOpen, context);
        await chat.ShowConversationsAsync(screen);

        // Act + Assert: deleted at once in the list, with Undo; Undo brings it back and the server never deleted it
        await chat.Conversations.First.GetByTestId("delete-conversation").ClickAsync();
        await Expect(chat.Conversations).ToHaveCountAsync(0);
        await Expect(chat.UndoToast).ToContainTextAsync("Conversation deleted");
        await SaveScreenshotAsync(chat, $"undo-delete-{(screen.Mobile ? "mobile" : "desktop")}.png");
        await chat.UndoToast.GetByTestId("undo-delete").ClickAsync();
        await Expect(chat.UndoToast).ToHaveCountAsync(0);
        await Expect(chat.Conversations).ToHaveCountAsync(1);
        Assert.Equal(200, await chat.ConversationStatusAsync(id));

        // Deleted again, then reloaded during the window: still hidden, still undoable
        await chat.Conversations.First.GetByTestId("delete-conversation").ClickAsync();
        await Expect(chat.UndoToast).ToBeVisibleAsync();
        await chat.ReloadAsync();
        await Expect(chat.UndoToast).ToBeVisibleAsync();
        await chat.ShowConversationsAsync(screen);
        await Expect(chat.Conversations).ToHaveCountAsync(0);
        Assert.Equal(200, await chat.ConversationStatusAsync(id));

        // ✕ deletes it now
        await chat.Page.RunAndWaitForResponseAsync(
            () => chat.UndoToast.GetByTestId("undo-dismiss").ClickAsync(),
            response => response.Request.Method == "DELETE" && response.Url.EndsWith(id, StringComparison.Ordinal));
        await Expect(chat.UndoToast).ToHaveCountAsync(0);
        Assert.Equal(404, await chat.ConversationStatusAsync(id));
        await Expect(chat.Conversations).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Delete_WhenTheUndoWindowEnds_IsCarriedOutOnTheServer_AndTheOpenConversationMakesWayForANewOne()
    {
        // Arrange: an undo window that ends at once, and the conversation open.
        var context = await NewContextAsync(screen);
        var id = (await StartConversationsAsync(context, "gpt", "Hello"))[0];
        var chat = await OpenChatAsync($"/c/{id}?undoDeleteMs=0", context);
        await Expect(chat.Answers).ToHaveCountAsync(1);
        await chat.ShowConversationsAsync(screen);

        // Act
        await chat.Page.RunAndWaitForResponseAsync(
            () => chat.Conversations.First.GetByTestId("delete-conversation").ClickAsync(),
            response => response.Request.Method == "DELETE" && response.Url.EndsWith(id, StringComparison.Ordinal));

        // Assert
        await Expect(chat.UndoToast).ToHaveCountAsync(0);
        await Expect(chat.Answers).ToHaveCountAsync(0);
        Assert.Equal(404, await chat.ConversationStatusAsync(id));
        await Expect(chat.Conversations).ToHaveCountAsync(0);
    }
}

/// <summary>Conversations at 390×844.</summary>
public sealed class ConversationOnAPhoneBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : ConversationBrowserTests(chromium, redis, stack, output, Screen.Phone);

/// <summary>Conversations at 1280×800.</summary>
public sealed class ConversationOnADesktopBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : ConversationBrowserTests(chromium, redis, stack, output, Screen.Desktop);
