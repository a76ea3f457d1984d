using System.Runtime.CompilerServices;
using Canvas.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Canvas.Tests.Browser;

/// <summary>
/// The base of a browser test class: a fresh browser context per page (its own cookie, so its own anonymous user),
/// the page's console in the test output, and a screenshot of every page when the test ends, pass or fail, in
/// <c>TestResults/screenshots/</c> under the test output directory (the README's own are refreshed in
/// <c>docs/screenshots/</c>, see <see cref="SaveScreenshotAsync"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : IClassFixture<BrowserChatStack>, IAsyncLifetime
{
    private readonly List<(IBrowserContext Context, IPage Page, string Name)> _pages = [];

    /// <summary>Gets the folder screenshots are saved in.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Gets the stack the browser talks to.</summary>
    protected BrowserChatStack Stack => stack;

    /// <summary>Gets the test output.</summary>
    protected ITestOutputHelper Output => output;

    /// <inheritdoc/>
    public Task InitializeAsync() => stack.EnsureStartedAsync(redis.ConnectionString);

    /// <summary>Opens the chat in a new browser context and waits until the agents are loaded.</summary>
    /// <param name="path">Where to go, relative to the frontend.</param>
    /// <param name="context">A context to open the page in (another tab of the same browser profile); null for a new one.</param>
    /// <param name="test">The test's name, for the screenshot file.</param>
    /// <param name="screen">The screen of a new context; null for a 1100×720 desktop window.</param>
    /// <param name="dark">Whether a new context's system asks for dark mode (<c>prefers-color-scheme</c>).</param>
    /// <param name="waitUntilLoaded">Whether to wait until the agents are listed (false for a chat server that is down).</param>
    protected async Task<ChatPage> OpenChatAsync(
        string path = "/",
        IBrowserContext? context = null,
        [CallerMemberName] string test = "",
        Screen? screen = null,
        bool dark = false,
        bool waitUntilLoaded = true)
    {
        context ??= await NewContextAsync(screen, dark);
        var page = BrowserHangGuard.Apply(await context.NewPageAsync());
        var name = $"{GetType().Name}.{test}" + (_pages.Count == 0 ? "" : $"-{_pages.Count + 1}");
        page.Console += (_, message) => Log($"[{name} console.{message.Type}] {message.Text}");
        page.PageError += (_, error) => Log($"[{name} page error] {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Log($"[{name}] {response.Status} {response.Request.Method} {response.Url}");
            }
        };
        _pages.Add((context, page, name));

        var chat = new ChatPage(page);
        await chat.GotoAsync(path, waitUntilLoaded);
        return chat;
    }

    /// <summary>Opens a new browser context (a new profile: its own user, storage and clipboard) on a screen.</summary>
    /// <param name="screen">The screen; null for a 1100×720 desktop window.</param>
    /// <param name="dark">Whether the system asks for dark mode.</param>
    protected async Task<IBrowserContext> NewContextAsync(Screen? screen = null, bool dark = false)
    {
        var size = screen ?? new Screen(1100, 720, Mobile: false);
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = stack.Address.ToString(),
            ViewportSize = new ViewportSize { Width = size.Width, Height = size.Height },
            IsMobile = size.Mobile,
            HasTouch = size.Mobile,
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        return context;
    }

    /// <summary>
    /// Starts one conversation per message through the frontend's REST tier, as the context's user (its cookie;
    /// the first request signs it in), each answered by the agent's default recording: a list to search and page through, fast.
    /// </summary>
    /// <returns>The conversations' ids, in the order started.</returns>
    protected static async Task<IReadOnlyList<string>> StartConversationsAsync(IBrowserContext context, string agentId, params string[] messages)
    {
        var ids = new List<string>();
        foreach (var message in messages)
        {
            var response = await context.APIRequest.PostAsync("/api/chat", new()
            {
                DataObject = new { agentId, conversationId = (string?)null, message },
            });
            Assert.True(response.Ok, $"POST /api/chat answered {response.Status}: {await response.TextAsync()}");
            ids.Add((await response.JsonAsync())!.Value.GetProperty("conversationId").GetString()!);
        }

        return ids;
    }

    /// <summary>
    /// Gets the repository's <c>docs/screenshots</c> when the tests run from a build inside the repository (a clone,
    /// CI's included); null otherwise.
    /// </summary>
    public static string? DocsScreenshotFolder { get; } = FindDocsScreenshotFolder();

    /// <summary>
    /// Saves a screenshot of the page as <paramref name="fileName"/> in <see cref="ScreenshotFolder"/> and, when the
    /// docs show a screenshot of that name, over it in <see cref="DocsScreenshotFolder"/>: the README's pictures are
    /// the last run's. Only names the docs already hold are written there, so a run adds no file to the repository.
    /// </summary>
    protected static async Task SaveScreenshotAsync(ChatPage chat, string fileName)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, fileName);
        await chat.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        if (DocsScreenshotFolder is { } docs && File.Exists(Path.Combine(docs, fileName)))
        {
            File.Copy(path, Path.Combine(docs, fileName), overwrite: true);
        }
    }

    private static string? FindDocsScreenshotFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Canvas.Aspire.sln")))
            {
                var docs = Path.Combine(directory.FullName, "docs", "screenshots");
                return Directory.Exists(docs) ? docs : null;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        Directory.CreateDirectory(ScreenshotFolder);
        foreach (var (_, page, name) in _pages)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), Timeout = 5_000 });
            }
            catch (PlaywrightException exception)
            {
                Log($"No screenshot of {name}: {exception.Message}");
            }
        }

        foreach (var context in _pages.Select(entry => entry.Context).Distinct())
        {
            await context.CloseAsync();
        }
    }

    // The page's console fires on Playwright's thread, possibly after the test has ended.
    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test is over.
        }
    }
}
