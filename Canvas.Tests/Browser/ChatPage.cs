using Canvas.WebFrontend.Client.Markdown;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>The chat UI as a test drives it: through the <c>data-testid</c>s the client exposes.</summary>
/// <param name="page">The browser page.</param>
public sealed class ChatPage(IPage page)
{
    private const string SetVisibilityScript =
        "state => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });"
        + " Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });"
        + " document.dispatchEvent(new Event('visibilitychange')); }";

    private ICDPSession? _devTools;

    /// <summary>Gets the browser page.</summary>
    public IPage Page => page;

    /// <summary>Gets the connection indicator, with its <c>data-tier</c> and <c>data-fallback</c>.</summary>
    public ILocator Indicator => page.GetByTestId("connection-indicator");

    /// <summary>Gets the indicator's label, for example <c>SSE fallback</c>.</summary>
    public ILocator IndicatorLabel => page.GetByTestId("connection-label");

    /// <summary>Gets the assistant answers, oldest first.</summary>
    public ILocator Answers => page.Locator("[data-testid=message][data-role=assistant]");

    /// <summary>Gets the latest answer.</summary>
    public ILocator LastAnswer => Answers.Last;

    /// <summary>Gets the texts of the user's messages, oldest first.</summary>
    public ILocator UserTexts => page.Locator("[data-testid=message][data-role=user] [data-testid=message-text]");

    /// <summary>Gets the message box.</summary>
    public ILocator MessageInput => page.GetByTestId("message-input");

    /// <summary>Gets the scrolling message list.</summary>
    public ILocator MessageList => page.GetByTestId("message-list");

    /// <summary>Gets the conversations in the list, newest first.</summary>
    public ILocator Conversations => page.GetByTestId("conversation-item");

    /// <summary>Gets the toast that offers to undo a deletion.</summary>
    public ILocator UndoToast => page.GetByTestId("undo-toast");

    /// <summary>Gets the status the API answers <c>GET /api/conversations/{id}</c> with, for this page's user.</summary>
    public async Task<int> ConversationStatusAsync(string conversationId) =>
        (await page.APIRequest.GetAsync($"/api/conversations/{conversationId}")).Status;

    /// <summary>Opens the conversation drawer on a phone (on a desktop the list is always shown).</summary>
    public async Task ShowConversationsAsync(Screen screen)
    {
        if (screen.Mobile && !await page.Locator(".layout.drawer-open").IsVisibleAsync())
        {
            await page.GetByTestId("drawer-toggle").ClickAsync();
        }

        await Expect(page.GetByTestId("conversation-search")).ToBeVisibleAsync();
    }

    /// <summary>Gets how far the message list is from its bottom, in CSS pixels.</summary>
    public Task<double> DistanceFromBottomAsync() =>
        MessageList.EvaluateAsync<double>("list => list.scrollHeight - list.scrollTop - list.clientHeight");

    /// <summary>Gets the test id (or tag name) of the element that has the focus.</summary>
    public Task<string> FocusedAsync() =>
        page.EvaluateAsync<string>("() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName ?? ''");

    /// <summary>Goes to a path of the frontend and, unless told otherwise, waits until the client has loaded the agents.</summary>
    public async Task GotoAsync(string path, bool waitUntilLoaded = true)
    {
        await page.GotoAsync(path);
        if (waitUntilLoaded)
        {
            await WaitUntilLoadedAsync();
        }
        else
        {
            await Expect(page.GetByTestId("message-input")).ToBeVisibleAsync();
        }
    }

    /// <summary>Reloads the page and waits until the client has loaded the agents again.</summary>
    public async Task ReloadAsync()
    {
        await page.ReloadAsync();
        await WaitUntilLoadedAsync();
    }

    /// <summary>Picks the agent for a new conversation.</summary>
    public async Task SelectAgentAsync(string agentId)
    {
        await page.GetByTestId("agent-select").SelectOptionAsync(agentId);
        await Expect(page.GetByTestId("agent-select")).ToHaveValueAsync(agentId);
    }

    /// <summary>Types a message and sends it.</summary>
    public async Task SendAsync(string message)
    {
        await page.GetByTestId("message-input").FillAsync(message);
        await page.GetByTestId("send-button").ClickAsync();
    }

    /// <summary>Waits until <paramref name="count"/> answers are shown and the last one has finished streaming.</summary>
    public async Task WaitForAnswerAsync(int count = 1, float timeoutMs = BrowserHangGuard.Milliseconds)
    {
        await Expect(Answers).ToHaveCountAsync(count);
        await Expect(LastAnswer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = timeoutMs });
    }

    /// <summary>Gets the text the user sees in an answer (the rendered Markdown's text content).</summary>
    public Task<string> ShownTextAsync(ILocator answer) =>
        answer.GetByTestId("message-text").EvaluateAsync<string>("element => element.textContent");

    /// <summary>
    /// Gets the text the user would see for <paramref name="markdown"/>: the client's own renderer, parsed by this
    /// browser into an inert template, so the comparison is exact without depending on how HTML is serialised.
    /// </summary>
    public Task<string> ExpectedShownTextAsync(string markdown) =>
        page.EvaluateAsync<string>(
            "html => { const template = document.createElement('template'); template.innerHTML = html; return template.content.textContent; }",
            SafeMarkdown.ToHtml(markdown));

    /// <summary>Waits until the latest answer shows some text while still streaming: an answer caught mid-way.</summary>
    public async Task WaitForPartialAnswerAsync()
    {
        await Expect(LastAnswer).ToHaveAttributeAsync("data-streaming", "true");
        await Expect(LastAnswer.GetByTestId("message-text")).Not.ToBeEmptyAsync();
    }

    /// <summary>
    /// Puts the tab in the background as Chromium does with a tab the user left: first hidden (the page hears
    /// <c>visibilitychange</c>), then frozen (no timers, no script, nothing delivered to the page until it is resumed).
    /// </summary>
    /// <remarks>
    /// Headless Chromium has no window to hide, so the page's visibility is overridden in script; the freeze is
    /// Chromium's own page lifecycle, through the DevTools protocol's <c>Page.setWebLifecycleState</c>.
    /// </remarks>
    public async Task HideAsync()
    {
        await page.EvaluateAsync(SetVisibilityScript, "hidden");
        _devTools ??= await page.Context.NewCDPSessionAsync(page);
        await _devTools.SendAsync("Page.setWebLifecycleState", new Dictionary<string, object> { ["state"] = "frozen" });
    }

    /// <summary>Brings a tab hidden by <see cref="HideAsync"/> back: resumed first, then visible, as Chromium does.</summary>
    public async Task ShowAsync()
    {
        await _devTools!.SendAsync("Page.setWebLifecycleState", new Dictionary<string, object> { ["state"] = "active" });
        await page.EvaluateAsync(SetVisibilityScript, "visible");
    }

    private async Task WaitUntilLoadedAsync()
    {
        await Expect(page.GetByTestId("message-input")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=agent-select] option")).Not.ToHaveCountAsync(0);
    }
}
