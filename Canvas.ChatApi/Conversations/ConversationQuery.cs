namespace Canvas.ChatApi.Conversations;

/// <summary>One page of <c>GET /api/conversations</c>.</summary>
/// <param name="Limit">The most conversations to return.</param>
/// <param name="Before">The page starts after this position (from <see cref="ConversationPage.Next"/>); null for the first page.</param>
/// <param name="Search">A case-insensitive substring the title must contain; null for all.</param>
public sealed record ConversationQuery(int Limit, ConversationCursor? Before = null, string? Search = null)
{
    /// <summary>The first page of everything, as many as <paramref name="limit"/>.</summary>
    public static ConversationQuery First(int limit) => new(limit);

    /// <summary>Whether <paramref name="title"/> matches <see cref="Search"/>.</summary>
    public bool Matches(string title) => Search is null || title.Contains(Search, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A page of conversations, most recently updated first.</summary>
/// <param name="Items">The conversations.</param>
/// <param name="Next">Where the next page starts; null when this is the last.</param>
public sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, ConversationCursor? Next);
