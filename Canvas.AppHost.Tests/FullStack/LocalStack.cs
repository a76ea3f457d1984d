using System.Net;
using System.Net.Sockets;
using System.Diagnostics;
using Canvas.AppHost.Dependencies;
using Canvas.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>
/// The whole Canvas stack started once by Aspire itself for a test class, without a container runtime: the AppHost in
/// its <c>local</c> profile (Redis as a <c>redis-server</c> executable under DCP), two ChatApi replicas, WebFrontend,
/// the real Aspire dashboard receiving every service's telemetry, and the fake Ollama, OpenAI and Anthropic upstreams
/// as existing endpoints. One headless Debian Chromium drives WebFrontend and the dashboard.
/// </summary>
public sealed class LocalStack(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>How long starting may take: DCP, the dashboard, redis-server and three .NET processes on a busy CPU.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    /// <summary>How long stopping everything may take.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Where Debian's <c>chromium</c> package puts the browser (Canvas.Tests' ChromiumFixture uses the same).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    // The flags this machine needs: no sandbox as root, no GPU, and none of Chromium's own network traffic.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    // WebFrontend signs the tokens ChatApi checks with it; tests never need it themselves.
    private const string SigningKey = "canvas-apphost-full-stack-tests-signing-key-not-a-secret-0123456789";

    // Aspire 13.6 runs the dashboard as a resource of its own.
    private const string DashboardResource = "aspire-dashboard";

    private DistributedApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>Gets the running application.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack did not start.");

    /// <summary>How many ChatApi replicas the stack runs (<c>ChatApi:Replicas</c>).</summary>
    public const int ChatApiReplicaCount = 2;

    /// <summary>The model the stack's Ollama agent asks for, which the fake Ollama lists as pulled.</summary>
    public const string OllamaModel = "llama3.2:1b";

    /// <summary>Gets the fake Ollama upstream.</summary>
    public FakeOllamaServer Ollama { get; private set; } = null!;

    /// <summary>Gets the fake OpenAI upstream.</summary>
    public FakeOpenAIServer OpenAI { get; private set; } = null!;

    /// <summary>Gets the fake Anthropic upstream.</summary>
    public FakeAnthropicServer Anthropic { get; private set; } = null!;

    /// <summary>Gets the shared browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Gets WebFrontend's HTTP address, where the browser goes.</summary>
    public Uri WebFrontend => App.GetEndpoint("webfrontend", "http");

    /// <summary>Gets the dashboard's address (its UI and its telemetry API).</summary>
    public Uri Dashboard { get; private set; } = null!;

    /// <summary>Gets the dashboard's telemetry API.</summary>
    public DashboardTelemetry Telemetry { get; private set; } = null!;

    /// <summary>
    /// Returns the ChatApi replicas with their own addresses and telemetry instance ids, read from their resource
    /// snapshots (<see cref="ChatApiReplica"/>).
    /// </summary>
    /// <param name="cancellationToken">Bounds the wait; it only guards against a hang.</param>
    public Task<IReadOnlyList<ChatApiReplica>> ChatApiReplicasAsync(CancellationToken cancellationToken) =>
        ChatApiReplica.WaitForHealthyAsync(App.ResourceNotifications, ChatApiReplicaCount, cancellationToken);

    /// <summary>Gets how long <c>StartAsync</c> took, and then how long until WebFrontend was healthy.</summary>
    public (TimeSpan Start, TimeSpan Healthy) Startup { get; private set; }

    /// <summary>Writes how long the stack took to start to a test's output.</summary>
    public void ReportStartup(ITestOutputHelper output) =>
        output.WriteLine($"StartAsync took {Startup.Start.TotalSeconds:0.0} s; WebFrontend healthy {Startup.Healthy.TotalSeconds:0.0} s after that.");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartupTimeout);
        Ollama = await FakeOllamaServer.StartAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);

        // The ChatApi's background check offers the Ollama agent only once Ollama lists its model.
        Ollama.PulledModels = [OllamaModel];
        OpenAI = await FakeOpenAIServer.StartAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);
        Anthropic = await FakeAnthropicServer.StartAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);

        string[] configuration =
        [
            // What the AppHost's `local` launch profile sets, with the projects on their `http` launch profiles, so
            // that no development certificate is needed.
            "Dependencies:Mode=Local",
            "AppHost:DefaultLaunchProfileName=http",
            $"ChatApi:Replicas={ChatApiReplicaCount}",
            $"Parameters:jwt-signing-key={SigningKey}",
            $"ConnectionStrings:chat-model=Endpoint={Ollama.BaseAddress.ToString().TrimEnd('/')};Model={OllamaModel}",
            "Parameters:openai-api-key=sk-test-openai",
            $"Providers:OpenAI:Endpoint={new Uri(OpenAI.BaseAddress, "v1")}",
            "Parameters:anthropic-api-key=sk-ant-test",
            $"Providers:Anthropic:Endpoint={Anthropic.BaseAddress}",
            // The dashboard, its OTLP receiver and the resource service over plain HTTP on free loopback ports, the
            // dashboard open to the test's browser and API calls.
            $"ASPNETCORE_URLS=http://localhost:{FreePort()}",
            $"ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://localhost:{FreePort()}",
            $"ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{FreePort()}",
            "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
        ];

        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Canvas_AppHost>(configuration, (options, _) => options.DisableDashboard = false, cts.Token)
            .WaitAsync(StartupTimeout, cts.Token);
        // The services' own logs stay on the dashboard; the test output keeps what went wrong.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Canvas.AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning));
        _app = await builder.BuildAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);

        // What the AppHost would print and stop on (redis-server missing, say), as the reason instead of a hang.
        Assert.Null(StartupCheck.FindProblem(_app.Services.GetRequiredService<DistributedApplicationModel>(), builder.Configuration));

        var clock = Stopwatch.StartNew();
        await _app.StartAsync(cts.Token).WaitAsync(StartupTimeout, cts.Token);
        var started = clock.Elapsed;

        // WebFrontend waits for ChatApi, which waits for Redis: healthy here means all of them are.
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("webfrontend", cts.Token).WaitAsync(StartupTimeout, cts.Token);
        Startup = (started, clock.Elapsed - started);
        diagnostics.OnMessage(new DiagnosticMessage(
            $"Canvas.AppHost (local profile): StartAsync {Startup.Start.TotalSeconds:0.0} s, WebFrontend healthy {Startup.Healthy.TotalSeconds:0.0} s later."));

        Dashboard = _app.GetEndpoint(DashboardResource);
        Telemetry = new DashboardTelemetry(Dashboard);
        Browser = await LaunchChromiumAsync().WaitAsync(StartupTimeout, cts.Token);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync().WaitAsync(ShutdownTimeout);
        }

        _playwright?.Dispose();
        Telemetry?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(ShutdownTimeout);
            await _app.DisposeAsync().AsTask().WaitAsync(ShutdownTimeout);
        }

        foreach (var fake in new FakeUpstreamServer?[] { Ollama, OpenAI, Anthropic })
        {
            if (fake is not null)
            {
                await fake.DisposeAsync().AsTask().WaitAsync(ShutdownTimeout);
            }
        }
    }

    private async Task<IBrowser> LaunchChromiumAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}: install it with `apt-get install -y chromium` (.ci/run does).");
        }

        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    // A port the OS just handed out, free again once the listener closes; Aspire binds it a moment later.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
