using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

public sealed class RestChatTransportTests
{
    private sealed class SnapshotApi(params GenerationSnapshot[] snapshots) : ICanvasApi
    {
        private int _next;

        public Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken) =>
            Task.FromResult<GenerationSnapshot?>(snapshots[Math.Min(_next++, snapshots.Length - 1)]);

        public Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [Fact]
    public async Task ResumeAsync_PollsSnapshots_DeliversOnlyTextBeyondWhatWasShownThenDone()
    {
        var api = new SnapshotApi(
            new GenerationSnapshot("running", "Hello", 2),
            new GenerationSnapshot("running", "Hello, wor", 4),
            new GenerationSnapshot("done", "Hello, world!", 7));
        var transport = new RestChatTransport(new HttpClient(), api, new ChatTransportOptions { RestPollInterval = TimeSpan.FromMilliseconds(1) });

        var events = await Generation.CollectAsync(transport.ResumeAsync(new ResumePoint("g_1", 1, "Hel".Length), TransportTier.Sse, CancellationToken.None));

        Assert.Equal("lo, world!", Generation.Text(events));
        Assert.Equal(ChatEvent.Done, events[^1].Type);
        Assert.Equal(7, events[^1].Seq);
    }

    [Fact]
    public async Task ResumeAsync_SnapshotsCarryReasoning_DeliversItAsItGrows_BeforeTheTextAndOnlyOnce()
    {
        var api = new SnapshotApi(
            new GenerationSnapshot("running", "", 2, Reasoning: "Let me"),
            new GenerationSnapshot("running", "", 3, Reasoning: "Let me think."),
            new GenerationSnapshot("running", "Yes", 5, Reasoning: "Let me think."),
            new GenerationSnapshot("done", "Yes.", 6, Reasoning: "Let me think."));
        var transport = new RestChatTransport(new HttpClient(), api, new ChatTransportOptions { RestPollInterval = TimeSpan.FromMilliseconds(1) });

        var events = await Generation.CollectAsync(transport.ResumeAsync(new ResumePoint("g_1", 1, 0, "Let".Length), TransportTier.Sse, CancellationToken.None));

        Assert.Equal([" me", " think."], events.Where(e => e.Type == ChatEvent.Reasoning).Select(e => e.Text));
        Assert.True(events.FindIndex(e => e.Type == ChatEvent.Reasoning) < events.FindIndex(e => e.Type == ChatEvent.Delta));
        Assert.Equal("Yes.", Generation.Text(events));
        Assert.Equal(ChatEvent.Done, events[^1].Type);
    }

    [Fact]
    public async Task ResumeAsync_GenerationCancelled_EndsWithCancelledDone()
    {
        var transport = new RestChatTransport(new HttpClient(), new SnapshotApi(new GenerationSnapshot("cancelled", "Half", 3)), new ChatTransportOptions());

        var events = await Generation.CollectAsync(transport.ResumeAsync(new ResumePoint("g_1", 3, 4), null, CancellationToken.None));

        var done = Assert.Single(events);
        Assert.Equal("cancelled", done.FinishReason);
    }

    [Fact]
    public async Task ResumeAsync_GenerationFailed_EndsWithTheSnapshotsOwnError()
    {
        var failed = new GenerationSnapshot("error", "Half", 3, FinishReason: "error",
            Error: new GenerationError("upstream_rate_limited", "The provider is rate limiting requests.", Retryable: true));
        var transport = new RestChatTransport(new HttpClient(), new SnapshotApi(failed), new ChatTransportOptions());

        var events = await Generation.CollectAsync(transport.ResumeAsync(new ResumePoint("g_1", 3, 4), null, CancellationToken.None));

        var error = Assert.Single(events);
        Assert.Equal(ChatEvent.Error, error.Type);
        Assert.Equal("upstream_rate_limited", error.Code);
        Assert.Equal("The provider is rate limiting requests.", error.Message);
        Assert.True(error.Retryable);
    }
}
