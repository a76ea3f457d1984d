using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// The conversation list as the page shows it: the API's pages for the current search, read further as the user
/// scrolls (through the API's <c>Link</c> header), and the deletion the user can still undo.
/// </summary>
/// <remarks>
/// A deletion is the browser's until its undo window ends: the conversation is hidden at once and recorded in
/// localStorage with when it is due, and the API deletes it only then. A reload (or another tab of this browser)
/// during the window offers the undo again for what is left of it; a page that finds the window over, because the tab
/// was closed before it ended, deletes the conversation when it loads.
/// </remarks>
/// <param name="api">The API.</param>
/// <param name="storage">Where pending deletions are recorded.</param>
/// <param name="time">The clock of the undo window.</param>
/// <param name="options">The page size and the undo window.</param>
public sealed class ConversationIndex(ICanvasApi api, IBrowserStorage storage, TimeProvider time, ConversationListOptions options)
{
    private List<ConversationSummary> _loaded = [];
    private readonly HashSet<string> _hidden = [];
    private string? _next;
    private int _generation;
    private bool _loadingMore;
    private CancellationTokenSource? _undoWindow;

    /// <summary>Raised when anything shown changes.</summary>
    public event Action? Changed;

    /// <summary>Gets the conversations to show, most recently updated first.</summary>
    public IReadOnlyList<ConversationSummary> Shown => [.. _loaded.Where(conversation => !_hidden.Contains(conversation.Id))];

    /// <summary>Gets the title search the list shows the results of; empty for all conversations.</summary>
    public string Search { get; private set; } = "";

    /// <summary>Gets whether the API has more conversations than are loaded.</summary>
    public bool HasMore => _next is not null;

    /// <summary>Gets the deletion that can still be undone, if any.</summary>
    public PendingDelete? Pending { get; private set; }

    /// <summary>Shows the first page of the conversations whose title contains <paramref name="search"/> (empty: all).</summary>
    /// <remarks>A search typed on meanwhile wins: the answer to an older one is dropped.</remarks>
    public async Task SearchAsync(string search, CancellationToken cancellationToken)
    {
        Search = search.Trim();
        var generation = ++_generation;
        var page = await api.GetConversationsAsync(new ConversationPageRequest(Search, null, options.PageSize), cancellationToken);
        if (generation == _generation)
        {
            _loaded = [.. page.Items];
            _next = page.Next;
            Changed?.Invoke();
        }
    }

    /// <summary>Reads the next page, if there is one and none is being read.</summary>
    public async Task LoadMoreAsync(CancellationToken cancellationToken)
    {
        if (_next is not { } next || _loadingMore)
        {
            return;
        }

        _loadingMore = true;
        var generation = _generation;
        try
        {
            var page = await api.GetConversationsAsync(new ConversationPageRequest(Next: next), cancellationToken);
            if (generation == _generation)
            {
                var known = _loaded.Select(conversation => conversation.Id).ToHashSet();
                _loaded = [.. _loaded, .. page.Items.Where(conversation => !known.Contains(conversation.Id))];
                _next = page.Next;
                Changed?.Invoke();
            }
        }
        finally
        {
            _loadingMore = false;
        }
    }

    /// <summary>
    /// Reads the first page again (titles, order, another tab's changes), keeping the older pages already read: the
    /// conversations older than the new first page stay, and so does the link to the rest.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var generation = ++_generation;
        var page = await api.GetConversationsAsync(new ConversationPageRequest(Search, null, options.PageSize), cancellationToken);
        if (generation != _generation)
        {
            return;
        }

        if (page.Next is null || _loaded.Count <= page.Items.Count)
        {
            _loaded = [.. page.Items];
            _next = page.Next;
        }
        else
        {
            var fresh = page.Items.Select(conversation => conversation.Id).ToHashSet();
            var oldest = page.Items[^1].UpdatedAt;
            _loaded = [.. page.Items, .. _loaded.Where(conversation => !fresh.Contains(conversation.Id) && conversation.UpdatedAt <= oldest)];
        }

        Changed?.Invoke();
    }

    /// <summary>Lists a conversation that has just started, first.</summary>
    public void Add(ConversationSummary conversation)
    {
        if (_loaded.All(known => known.Id != conversation.Id))
        {
            _loaded.Insert(0, conversation);
            Changed?.Invoke();
        }
    }

    /// <summary>Shows a conversation as the API now has it (renamed), in its place.</summary>
    public void Replace(ConversationSummary conversation)
    {
        _loaded = [.. _loaded.Select(known => known.Id == conversation.Id ? conversation : known)];
        Changed?.Invoke();
    }

    /// <summary>
    /// Hides a conversation and deletes it when the undo window ends, unless <see cref="UndoAsync"/> comes first; a
    /// deletion still pending is carried out now.
    /// </summary>
    public async Task DeleteWithUndoAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (Pending is { } previous && previous.ConversationId != conversationId)
        {
            await DeleteNowAsync(previous.ConversationId, cancellationToken);
        }

        var until = time.GetUtcNow() + options.UndoWindow;
        await storage.SetPendingDeleteAsync(conversationId, until);
        OpenUndoWindow(new PendingDelete(conversationId, until));
    }

    /// <summary>Keeps the pending deletion's conversation: it is shown again and never deleted.</summary>
    public async Task UndoAsync()
    {
        if (Pending is not { } pending)
        {
            return;
        }

        CloseUndoWindow();
        await storage.RemovePendingDeleteAsync(pending.ConversationId);
        _hidden.Remove(pending.ConversationId);
        Changed?.Invoke();
    }

    /// <summary>Deletes a conversation now (the undo toast dismissed, or its window over).</summary>
    public async Task DeleteNowAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (Pending?.ConversationId == conversationId)
        {
            CloseUndoWindow();
        }

        _hidden.Add(conversationId);
        await api.DeleteConversationAsync(conversationId, cancellationToken);
        await storage.RemovePendingDeleteAsync(conversationId);
        _loaded.RemoveAll(conversation => conversation.Id == conversationId);
        _hidden.Remove(conversationId);
        Changed?.Invoke();
    }

    /// <summary>
    /// Takes over the deletions an earlier page of this browser left pending: those whose window is over are carried
    /// out now, the latest still open is offered for undo again, for the rest of its window.
    /// </summary>
    public async Task ResumePendingDeletesAsync(CancellationToken cancellationToken)
    {
        var pending = await storage.GetPendingDeletesAsync();
        var open = pending.Where(entry => entry.Value > time.GetUtcNow()).OrderBy(entry => entry.Value).Select(entry => entry.Key).LastOrDefault();
        foreach (var conversationId in pending.Keys.Where(id => id != open && id != Pending?.ConversationId))
        {
            await DeleteNowAsync(conversationId, cancellationToken);
        }

        if (open is not null && Pending is null)
        {
            OpenUndoWindow(new PendingDelete(open, pending[open]));
        }
    }

    private void OpenUndoWindow(PendingDelete pending)
    {
        CloseUndoWindow();
        Pending = pending;
        _hidden.Add(pending.ConversationId);
        _undoWindow = new CancellationTokenSource();
        _ = DeleteWhenDueAsync(pending, _undoWindow.Token);
        Changed?.Invoke();
    }

    private void CloseUndoWindow()
    {
        _undoWindow?.Cancel();
        _undoWindow?.Dispose();
        _undoWindow = null;
        Pending = null;
    }

    private async Task DeleteWhenDueAsync(PendingDelete pending, CancellationToken cancellationToken)
    {
        try
        {
            var left = pending.Until - time.GetUtcNow();
            await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken);
            // Another tab of this browser may have undone it meanwhile: then it stays.
            if (!(await storage.GetPendingDeletesAsync()).ContainsKey(pending.ConversationId))
            {
                CloseUndoWindow();
                _hidden.Remove(pending.ConversationId);
                Changed?.Invoke();
                return;
            }

            await DeleteNowAsync(pending.ConversationId, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Undone, dismissed or superseded.
        }
        catch (Exception exception) when (ApiFailure.IsApiFailure(exception))
        {
            // Still recorded as pending and still hidden: the next page load deletes it.
            Changed?.Invoke();
        }
    }
}

/// <summary>A deletion that can still be undone.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Until">When it is carried out.</param>
public sealed record PendingDelete(string ConversationId, DateTimeOffset Until);
