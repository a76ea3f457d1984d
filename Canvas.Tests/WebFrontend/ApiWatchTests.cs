using System.Net;
using Canvas.Tests.Infrastructure;
using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Session;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

/// <summary>The page's watch on the chat server: a server that stops mid-session is named at once, and the page recovers by itself.</summary>
public sealed class ApiWatchTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private static readonly AgentInfo Gpt = new("gpt", "GPT", "openai", "gpt-4o-mini", ["websocket"], null);

    [Fact]
    public async Task ServerStopsMidSession_CheckSoonNamesItWithoutWaitingForThePause_AndTheWatchRetriesUntilItIsBack()
    {
        // Arrange: a server that answered, and the watch in its half-minute pause. Down, it fails as the frontend
        // does when the chat API does not answer (502).
        var down = false;
        var agentReads = 0;
        var api = new RecordingCanvasApi
        {
            OnGetAgents = _ =>
            {
                agentReads++;
                return down
                    ? Task.FromException<IReadOnlyList<AgentInfo>>(new ApiProblemException(502, "chatapi_unreachable", "The chat API did not answer."))
                    : Task.FromResult<IReadOnlyList<AgentInfo>>([Gpt]);
            },
        };
        var time = new WaitSignallingTimeProvider();
        var watch = new ApiWatch(SessionOn(api), time);
        Assert.True(await watch.CheckAsync(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var watching = watch.WatchAsync(stop.Token);
        Assert.Equal(ApiWatch.HealthyInterval, await time.NextWaitAsync());
        var named = new TaskCompletionSource();
        var recovered = new TaskCompletionSource();
        watch.Changed += () => (watch.Problem is null ? recovered : named).TrySetResult();

        // Act: the server stops, and a request elsewhere failed.
        down = true;
        watch.CheckSoon();
        await named.Task.WaitAsync(HangGuard);

        // Assert: named with the clock where it was, then retried after the first backoff until the server is back
        Assert.Equal(ApiFailure.Unreachable, watch.Problem);
        Assert.Equal(2, agentReads);
        Assert.Equal(ApiWatch.FirstRetry, await time.NextWaitAsync());
        down = false;
        time.Advance(ApiWatch.FirstRetry);
        await recovered.Task.WaitAsync(HangGuard);
        Assert.Null(watch.Problem);
        Assert.Equal(3, agentReads);
        await stop.CancelAsync();
        await watching.WaitAsync(HangGuard);
    }

    private static ChatSession SessionOn(ICanvasApi api)
    {
        var storage = new NoStorage();
        var stream = new ChatStreamClient([], api, new ChatTransportOptions(), TimeProvider.System);
        return new ChatSession(api, stream, storage, new ConversationIndex(api, storage, TimeProvider.System, ConversationListOptions.Default));
    }
}
