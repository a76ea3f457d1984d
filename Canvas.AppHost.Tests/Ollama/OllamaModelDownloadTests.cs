using Canvas.AppHost.Ollama;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canvas.AppHost.Tests.Ollama;

/// <summary>
/// Canvas's Ollama hosting integration bringing a model onto a server (a fake one that speaks Ollama's pull API):
/// the states the dashboard shows on the way, and what it does with an error and with a model already there.
/// </summary>
public sealed class OllamaModelDownloadTests : IAsyncLifetime
{
    private const string Model = "llama3.2:1b";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private readonly HttpClient _http = new();
    private readonly ResourceNotificationService _notifications;
    private FakeOllamaRegistry _ollama = null!;

    public OllamaModelDownloadTests() =>
        _notifications = new ResourceNotificationService(
            NullLogger<ResourceNotificationService>.Instance,
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance),
            _services,
            new ResourceLoggerService());

    [Fact]
    public async Task RunAsync_ModelMissing_PullsItShowingTheProgressThenRunning()
    {
        // Arrange
        _ollama.PullLines.AddRange(
        [
            """{"status":"pulling manifest"}""",
            """{"status":"pulling 74701a8c35f6","digest":"sha256:74701a8c35f6","total":1000,"completed":0}""",
            """{"status":"pulling 74701a8c35f6","digest":"sha256:74701a8c35f6","total":1000,"completed":420}""",
            """{"status":"pulling 74701a8c35f6","digest":"sha256:74701a8c35f6","total":1000,"completed":1000}""",
            """{"status":"verifying sha256 digest"}""",
            """{"status":"success"}""",
        ]);
        var model = ModelOnTheFake(Model);

        // Act
        var (ready, states) = await RunAndRecordStatesAsync(model);

        // Assert
        Assert.True(ready);
        Assert.Equal([Model], _ollama.Pulls);
        Assert.Equal(
            [$"Checking {Model}", $"Downloading {Model} 0%", $"Downloading {Model} 42%", $"Downloading {Model} 100%", KnownResourceStates.Running],
            states);
    }

    [Fact]
    public async Task RunAsync_PullReportsAnError_FailsToStartWithOllamasMessage()
    {
        // Arrange
        _ollama.PullLines.AddRange(
        [
            """{"status":"pulling manifest"}""",
            """{"error":"pull model manifest: file does not exist"}""",
        ]);
        var model = ModelOnTheFake("no-such-model:7b");

        // Act
        var (ready, states) = await RunAndRecordStatesAsync(model);

        // Assert
        Assert.False(ready);
        Assert.Equal(KnownResourceStates.FailedToStart, states[^1]);
        var snapshot = await LatestSnapshotAsync(model);
        Assert.Equal(KnownResourceStateStyles.Error, snapshot.State?.Style);
        Assert.Contains(snapshot.Properties, property =>
            property.Name == OllamaModelDownload.ErrorProperty && Equals(property.Value, "pull model manifest: file does not exist"));
    }

    [Theory]
    [InlineData("llama3.2:1b", "llama3.2:1b")]
    [InlineData("qwen2.5", "qwen2.5:latest")]
    public async Task RunAsync_ModelAlreadyOnTheServer_IsRunningWithoutPulling(string modelName, string listedAs)
    {
        // Arrange
        await _ollama.DisposeAsync();
        _ollama = await FakeOllamaRegistry.StartAsync(listedAs).WaitAsync(Bound);
        var model = ModelOnTheFake(modelName);

        // Act
        var (ready, states) = await RunAndRecordStatesAsync(model);

        // Assert
        Assert.True(ready);
        Assert.Empty(_ollama.Pulls);
        Assert.Equal([$"Checking {modelName}", KnownResourceStates.Running], states);
    }

    /// <inheritdoc/>
    public async Task InitializeAsync() => _ollama = await FakeOllamaRegistry.StartAsync().WaitAsync(Bound);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await _ollama.DisposeAsync();
        _http.Dispose();
        await _services.DisposeAsync();
    }

    private static OllamaModelResource ModelOnTheFake(string modelName) =>
        new("chat-model", modelName, new OllamaResource("ollama"));

    // Runs the download while watching the model's states; the watch has seen the initial state before it starts, so
    // no state the download publishes can be missed.
    private async Task<(bool Ready, List<string> States)> RunAndRecordStatesAsync(OllamaModelResource model)
    {
        using var cts = new CancellationTokenSource(Bound);
        var states = new List<string>();
        var watching = new TaskCompletionSource();
        var watch = Task.Run(async () =>
        {
            await foreach (var update in _notifications.WatchAsync(cts.Token))
            {
                if (update.Resource != model || update.Snapshot.State?.Text is not { } state)
                {
                    continue;
                }

                if (state == KnownResourceStates.Waiting)
                {
                    watching.TrySetResult();
                }
                else
                {
                    states.Add(state);
                    if (state == KnownResourceStates.Running || state == KnownResourceStates.FailedToStart)
                    {
                        return;
                    }
                }
            }
        }, cts.Token);

        while (!watching.Task.IsCompleted)
        {
            await _notifications.PublishUpdateAsync(model, snapshot => snapshot with { State = KnownResourceStates.Waiting }).WaitAsync(Bound);
            await Task.WhenAny(watching.Task, Task.Delay(TimeSpan.FromMilliseconds(50), cts.Token));
        }

        var download = new OllamaModelDownload(new OllamaApi(_http), _notifications, NullLogger.Instance);
        var ready = await download.RunAsync(model, _ollama.Endpoint, cts.Token).WaitAsync(Bound);
        await watch.WaitAsync(Bound);
        return (ready, states);
    }

    private async Task<CustomResourceSnapshot> LatestSnapshotAsync(OllamaModelResource model)
    {
        using var cts = new CancellationTokenSource(Bound);
        var update = await _notifications.WaitForResourceAsync(model.Name, _ => true, cts.Token).WaitAsync(Bound);
        return update.Snapshot;
    }
}
