namespace Canvas.WebFrontend.Client.Session;

/// <summary>How the conversation list pages and how long a deletion can be undone.</summary>
/// <param name="PageSize">How many conversations one page of the API's list holds.</param>
/// <param name="UndoWindow">How long "Conversation deleted · Undo" stays before the deletion is carried out.</param>
public sealed record ConversationListOptions(int PageSize, TimeSpan UndoWindow)
{
    /// <summary>The defaults: pages of 50 (the API's own default), 6 seconds to undo.</summary>
    public static ConversationListOptions Default { get; } = new(50, TimeSpan.FromSeconds(6));

    /// <summary>
    /// Gets the options a page address asks for with <c>?conversationsPerPage=N</c> and <c>?undoDeleteMs=N</c>, else
    /// the defaults: tests page through a few conversations, and hold the undo window open or close it at once.
    /// </summary>
    /// <param name="address">The page's address.</param>
    /// <returns>The options.</returns>
    public static ConversationListOptions From(string address) => new(
        AddressQuery.Number(address, "conversationsPerPage", minimum: 1) ?? Default.PageSize,
        AddressQuery.Number(address, "undoDeleteMs") is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : Default.UndoWindow);
}
