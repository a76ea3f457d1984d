using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Session;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.WebFrontend;

/// <summary>The conversation list: server search and paging through <c>Link</c>, and deletion with undo.</summary>
public sealed class ConversationIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ConversationListOptions Options = new(PageSize: 2, UndoWindow: TimeSpan.FromSeconds(6));

    [Fact]
    public async Task SearchAndLoadMore_AskTheServer_AndFollowItsNextLinkUntilTheLastPage()
    {
        var api = new PagedApi(Conversation("a", "Trip to Lisbon"), Conversation("b", "Lisbon food"), Conversation("c", "Rust"), Conversation("d", "Lisbon trams"));
        var index = new ConversationIndex(api, new MemoryStorage(), new FakeTimeProvider(Start), Options);

        await index.SearchAsync(" lisbon ", CancellationToken.None);
        Assert.Equal(["a", "b"], index.Shown.Select(c => c.Id));
        Assert.True(index.HasMore);
        await index.LoadMoreAsync(CancellationToken.None);

        Assert.Equal(["a", "b", "d"], index.Shown.Select(c => c.Id));
        Assert.False(index.HasMore);
        Assert.Equal(["lisbon", null], api.Requests.Select(r => r.Search));
        Assert.Equal("lisbon", index.Search);
    }

    [Fact]
    public async Task Search_AnOlderSearchAnsweringLast_IsDropped()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var api = new PagedApi(Conversation("a", "Alpha"), Conversation("b", "Beta")) { Hold = hold.Task };
        var index = new ConversationIndex(api, new MemoryStorage(), new FakeTimeProvider(Start), Options);

        var older = index.SearchAsync("al", CancellationToken.None);
        api.Hold = null;
        await index.SearchAsync("be", CancellationToken.None);
        hold.SetResult();
        await older.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["b"], index.Shown.Select(c => c.Id));
    }

    [Fact]
    public async Task Refresh_AfterMorePagesWereRead_RereadsTheFirstAndKeepsTheOlderOnes()
    {
        var api = new PagedApi(Conversation("a", "A", 5), Conversation("b", "B", 4), Conversation("c", "C", 3), Conversation("d", "D", 2), Conversation("e", "E", 1));
        var index = new ConversationIndex(api, new MemoryStorage(), new FakeTimeProvider(Start), Options);
        await index.SearchAsync("", CancellationToken.None);
        await index.LoadMoreAsync(CancellationToken.None);

        api.Touch("c");
        await index.RefreshAsync(CancellationToken.None);

        Assert.Equal(["c", "a", "b", "d"], index.Shown.Select(c => c.Id));
        Assert.True(index.HasMore);
    }

    [Fact]
    public async Task DeleteWithUndo_HidesAtOnce_AndDeletesOnlyWhenTheWindowEnds()
    {
        var (api, storage, time, index) = await ListedAsync();

        await index.DeleteWithUndoAsync("a", CancellationToken.None);
        Assert.Equal(["b"], index.Shown.Select(c => c.Id));
        Assert.Equal("a", index.Pending?.ConversationId);
        Assert.Empty(api.Deleted);
        Assert.Equal(Start + Options.UndoWindow, storage.Pending["a"]);

        var deleted = api.NextDelete();
        time.Advance(Options.UndoWindow);
        await deleted.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a"], api.Deleted);
        Assert.Null(index.Pending);
        Assert.Empty(storage.Pending);
    }

    [Fact]
    public async Task Undo_WithinTheWindow_ShowsItAgainAndNeverDeletes()
    {
        var (api, storage, time, index) = await ListedAsync();
        await index.DeleteWithUndoAsync("a", CancellationToken.None);

        await index.UndoAsync();
        time.Advance(Options.UndoWindow * 2);

        Assert.Equal(["a", "b"], index.Shown.Select(c => c.Id));
        Assert.Null(index.Pending);
        Assert.Empty(storage.Pending);
        Assert.Empty(api.Deleted);
    }

    [Fact]
    public async Task ASecondDelete_CarriesOutTheFirstNow_AndOffersUndoForTheSecond()
    {
        var (api, _, _, index) = await ListedAsync();
        await index.DeleteWithUndoAsync("a", CancellationToken.None);

        await index.DeleteWithUndoAsync("b", CancellationToken.None);

        Assert.Equal(["a"], api.Deleted);
        Assert.Equal("b", index.Pending?.ConversationId);
        Assert.Empty(index.Shown);
    }

    [Fact]
    public async Task ResumePendingDeletes_AfterAReload_DeletesTheOverdueAndOffersTheOpenOneForTheRestOfItsWindow()
    {
        var storage = new MemoryStorage();
        storage.Pending["a"] = Start - TimeSpan.FromSeconds(1);
        storage.Pending["b"] = Start + TimeSpan.FromSeconds(4);
        var api = new PagedApi(Conversation("a", "A"), Conversation("b", "B"), Conversation("c", "C"));
        var time = new FakeTimeProvider(Start);
        var index = new ConversationIndex(api, storage, time, Options with { PageSize = 10 });
        await index.SearchAsync("", CancellationToken.None);

        await index.ResumePendingDeletesAsync(CancellationToken.None);

        Assert.Equal(["a"], api.Deleted);
        Assert.Equal(new PendingDelete("b", Start + TimeSpan.FromSeconds(4)), index.Pending);
        Assert.Equal(["c"], index.Shown.Select(c => c.Id));
        var deleted = api.NextDelete();
        time.Advance(TimeSpan.FromSeconds(4));
        await deleted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["a", "b"], api.Deleted);
    }

    [Theory]
    [InlineData("</api/conversations?limit=2&before=abc>; rel=\"next\"", "/api/conversations?limit=2&before=abc")]
    [InlineData("</first>; rel=\"first\", </api/c?before=x>; rel=next", "/api/c?before=x")]
    [InlineData("</api/c?before=y>; title=\"more\"; rel=\"prev next\"", "/api/c?before=y")]
    [InlineData("</api/c?before=z>; rel=\"prev\"", null)]
    public void LinkHeaderNext_FindsTheNextRelation(string header, string? expected) =>
        Assert.Equal(expected, LinkHeader.Next(header));

    private static async Task<(PagedApi Api, MemoryStorage Storage, FakeTimeProvider Time, ConversationIndex Index)> ListedAsync()
    {
        var api = new PagedApi(Conversation("a", "A"), Conversation("b", "B"));
        var storage = new MemoryStorage();
        var time = new FakeTimeProvider(Start);
        var index = new ConversationIndex(api, storage, time, Options);
        await index.SearchAsync("", CancellationToken.None);
        return (api, storage, time, index);
    }

    private static ConversationSummary Conversation(string id, string title, int minutesAfterStart = 0) =>
        new(id, "gpt", title, Start, Start + TimeSpan.FromMinutes(minutesAfterStart));

    /// <summary>The API's list: title search, pages linked by the offset of the next one, deletions recorded.</summary>
    private sealed class PagedApi(params ConversationSummary[] conversations) : ICanvasApi
    {
        private readonly List<ConversationSummary> _conversations = [.. conversations];
        private TaskCompletionSource? _nextDelete;

        public List<ConversationPageRequest> Requests { get; } = [];

        public List<string> Deleted { get; } = [];

        /// <summary>Gets or sets what list requests wait for before they answer; null answers at once.</summary>
        public Task? Hold { get; set; }

        public Task NextDelete() => (_nextDelete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Touch(string id)
        {
            var touched = _conversations.Single(c => c.Id == id);
            _conversations.Remove(touched);
            _conversations.Insert(0, touched with { UpdatedAt = _conversations.Max(c => c.UpdatedAt) + TimeSpan.FromMinutes(1) });
        }

        public async Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (Hold is { } hold)
            {
                await hold;
            }

            var (search, offset, size) = request.Next is { } next
                ? (next.Split('|')[0], int.Parse(next.Split('|')[1]), int.Parse(next.Split('|')[2]))
                : (request.Search ?? "", 0, request.PageSize);
            var matching = _conversations.Where(c => c.Title.Contains(search, StringComparison.OrdinalIgnoreCase)).ToList();
            var page = matching.Skip(offset).Take(size).ToList();
            return new ConversationPage(page, offset + size < matching.Count ? $"{search}|{offset + size}|{size}" : null);
        }

        public Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken)
        {
            Deleted.Add(conversationId);
            _conversations.RemoveAll(c => c.Id == conversationId);
            _nextDelete?.TrySetResult();
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class MemoryStorage : IBrowserStorage
    {
        public Dictionary<string, DateTimeOffset> Pending { get; } = [];

        public ValueTask SetPendingDeleteAsync(string conversationId, DateTimeOffset until)
        {
            Pending[conversationId] = until;
            return ValueTask.CompletedTask;
        }

        public ValueTask RemovePendingDeleteAsync(string conversationId)
        {
            Pending.Remove(conversationId);
            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyDictionary<string, DateTimeOffset>> GetPendingDeletesAsync() =>
            ValueTask.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(new Dictionary<string, DateTimeOffset>(Pending));

        public ValueTask SetInFlightAsync(InFlightAnswer answer) => ValueTask.CompletedTask;
        public ValueTask RemoveInFlightAsync(string conversationId) => ValueTask.CompletedTask;
        public ValueTask<IAsyncDisposable> SubscribeAsync(Func<InFlightAnswer, Task> onInFlight, Func<Task> onVisible) => throw new NotSupportedException();
    }
}
