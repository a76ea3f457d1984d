namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// The whole Canvas stack started once for the full-stack tests: Redis and Ollama containers, the model pull, ChatApi
/// and WebFrontend. Tests share the running stack, never each other's data: each starts its own conversation.
/// </summary>
public sealed class CanvasStack : IAsyncLifetime
{
    /// <summary>
    /// How long starting may take. The first run pulls the Redis and Ollama images and the model (about 1.3 GB);
    /// the data volumes keep the model for later runs.
    /// </summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(20);

    /// <summary>How long stopping the processes and containers may take.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The signing key given to the AppHost, so that a test run neither generates one nor persists it in the AppHost's
    /// user secrets. Tests never use it: WebFrontend mints the tokens ChatApi checks.
    /// </summary>
    private const string SigningKey = "canvas-apphost-tests-signing-key-not-a-secret-0123456789";

    private DistributedApplication? _app;

    /// <summary>The running application.</summary>
    public DistributedApplication App =>
        _app ?? throw new InvalidOperationException("The stack did not start: no container runtime answered.");

    /// <summary>
    /// Opens a new browser tab on WebFrontend's HTTP endpoint (plain HTTP, so no development certificate is needed):
    /// a new anonymous user with its own cookie.
    /// </summary>
    /// <param name="timeout">How long the page load may take.</param>
    /// <param name="cancellationToken">Cancels the page load.</param>
    public Task<BrowserSession> OpenBrowserAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        BrowserSession.OpenAsync(App.GetEndpoint("webfrontend", "http"), timeout, cancellationToken);

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        // Every test in the class is skipped then; starting would only fail.
        if (ContainerRuntime.WhyUnavailable is not null)
        {
            return;
        }

        using var cts = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Canvas_AppHost>([$"Parameters:jwt-signing-key={SigningKey}"], cts.Token)
            .WaitAsync(StartupTimeout, cts.Token);

        _app = await builder.BuildAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);
        await _app.StartAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);

        // WebFrontend waits for ChatApi, which waits for Redis and the pulled model: healthy here means all of them are.
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("webfrontend", cts.Token).WaitAsync(StartupTimeout, cts.Token);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().AsTask().WaitAsync(ShutdownTimeout);
        }
    }
}
