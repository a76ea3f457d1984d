using Canvas.Tests.Infrastructure;
using Canvas.Tests.WebFrontend;

namespace Canvas.Tests.Browser;

/// <summary>
/// What a browser test talks to, started once per test class: the fake upstreams, one ChatApi on the collection's
/// redis-server, and the web frontend in front of it, all on loopback.
/// </summary>
public sealed class BrowserChatStack : IAsyncLifetime
{
    private readonly SemaphoreSlim _start = new(1, 1);
    private FrontendTestHost? _frontend;

    /// <summary>Gets the fake upstreams; tests script the next answers with <c>Enqueue</c>.</summary>
    public ChatEnvironment Environment { get; private set; } = null!;

    /// <summary>Gets the chat API.</summary>
    public ChatApiHost ChatApi { get; private set; } = null!;

    /// <summary>Gets the web frontend's address, where the browser goes.</summary>
    public Uri Address => _frontend!.Address;

    /// <summary>Starts the stack on first use; a class fixture cannot take the collection's Redis in its constructor.</summary>
    /// <param name="redis">The redis-server connection string.</param>
    public async Task EnsureStartedAsync(string redis)
    {
        await _start.WaitAsync();
        try
        {
            if (_frontend is not null)
            {
                return;
            }

            Environment = await ChatEnvironment.StartAsync(redis);
            ChatApi = Environment.StartInstance();
            _frontend = await FrontendTestHost.StartInFrontOfAsync(ChatApi.BaseAddress);

            // The first call through the proxy pays for both services' cold start (seconds on a busy machine); paid
            // here, it is not charged to the first page's few seconds for showing the agents.
            using var warmUp = _frontend.CreateBrowserClient(new System.Net.CookieContainer());
            using var agents = await warmUp.GetAsync("/api/agents");
            agents.EnsureSuccessStatusCode();
        }
        finally
        {
            _start.Release();
        }
    }

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_frontend is not null)
        {
            await _frontend.DisposeAsync();
        }

        if (Environment is not null)
        {
            await Environment.DisposeAsync();
        }

        _start.Dispose();
    }
}
