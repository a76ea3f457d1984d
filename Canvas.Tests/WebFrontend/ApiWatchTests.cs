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

    [Fact]
    public async Task ServerStopsMidSession_CheckSoonNamesItWithoutWaitingForThePause_AndTheWatchRetriesUntilItIsBack()
    {
        // Arrange: a server that answered, and the watch in its half-minute pause.
        var api = new SwitchableApi();
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
        api.Down = true;
        watch.CheckSoon();
        await named.Task.WaitAsync(HangGuard);

        // Assert: named with the clock where it was, then retried after the first backoff until the server is back
        Assert.Equal(ApiFailure.Unreachable, watch.Problem);
        Assert.Equal(2, api.AgentReads);
        Assert.Equal(ApiWatch.FirstRetry, await time.NextWaitAsync());
        api.Down = false;
        time.Advance(ApiWatch.FirstRetry);
        await recovered.Task.WaitAsync(HangGuard);
        Assert.Null(watch.Problem);
        Assert.Equal(3, api.AgentReads);
        await stop.CancelAsync();
        await watching.WaitAsync(HangGuard);
    }

    private static ChatSession SessionOn(ICanvasApi api)
    {
        var storage = new NoStorage();
        var stream = new ChatStreamClient([], api, new ChatTransportOptions(), TimeProvider.System);
        return new ChatSession(api, stream, storage, new ConversationIndex(api, storage, TimeProvider.System, ConversationListOptions.Default));
    }

    /// <summary>An API that answers, or fails as the frontend does when the chat API is down (502).</summary>
    private sealed class SwitchableApi : ICanvasApi
    {
        private static readonly AgentInfo Gpt = new("gpt", "GPT", "openai", "gpt-4o-mini", ["websocket"], null);

        public bool Down { get; set; }

        public int AgentReads { get; private set; }

        public Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken)
        {
            AgentReads++;
            return Down
                ? Task.FromException<IReadOnlyList<AgentInfo>>(new ApiProblemException(502, "chatapi_unreachable", "The chat API did not answer."))
                : Task.FromResult<IReadOnlyList<AgentInfo>>([Gpt]);
        }

        public Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ConversationPage([], null));

        public Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken) => Task.FromResult<ConversationDetail?>(null);

        public Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken) =>
            Task.FromResult<ConversationSummary?>(null);

        public Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken) => Task.FromResult<GenerationSnapshot?>(null);

        public Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
