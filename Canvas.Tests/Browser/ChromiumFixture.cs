using Microsoft.Playwright;

namespace Canvas.Tests.Browser;

/// <summary>
/// One headless Debian Chromium for the <see cref="BrowserCollection"/>, driven by Playwright's bundled driver; tests
/// open a fresh <see cref="IBrowserContext"/> each (own cookies, so their own anonymous user, and own storage).
/// </summary>
/// <remarks>
/// Playwright never downloads a browser here: it launches the system's <c>/usr/bin/chromium</c>, which CI installs
/// with apt-get (<c>.ci/run</c>). The machine has no network, so Chromium's own background traffic is switched off.
/// </remarks>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    /// <summary>Gets the shared browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. The browser tests drive Debian's Chromium and never download one: " +
                "install it with `apt-get install -y chromium` (CI does this in .ci/run).");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// The browser tests: one Chromium and one redis-server for all of them, run one class at a time so that the
/// browser never competes with itself for the CPU.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>, ICollectionFixture<Infrastructure.RedisServerFixture>
{
    /// <summary>The collection's name, for <c>[Collection(BrowserCollection.Name)]</c>.</summary>
    public const string Name = "browser";
}
