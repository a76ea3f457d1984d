using Microsoft.Playwright;

namespace Canvas.Tests.Browser;

/// <summary>
/// The one bound on every wait of the browser tests: a page's actions and every <c>Expect</c>. It guards against a
/// hang and asserts no timing; a state the system reaches eventually passes as soon as it is reached.
/// </summary>
/// <remarks>
/// Playwright's assertions default to 5 s and ignore the page's default timeout; on a two-core CI machine that also
/// runs the ChatApi, Redis and the browser, a correct page can take longer than that to render.
/// </remarks>
public static class BrowserHangGuard
{
    /// <summary>The bound, in milliseconds.</summary>
    public const float Milliseconds = 30_000;

    /// <summary>The bound, for a wait of the test's own (a route's signal, a poll of the API).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(Milliseconds);

    /// <summary>Bounds the page's actions and every assertion by <see cref="Milliseconds"/>.</summary>
    /// <param name="page">A new page.</param>
    /// <returns>The page.</returns>
    public static IPage Apply(IPage page)
    {
        Assertions.SetDefaultExpectTimeout(Milliseconds);
        page.SetDefaultTimeout(Milliseconds);
        return page;
    }
}
