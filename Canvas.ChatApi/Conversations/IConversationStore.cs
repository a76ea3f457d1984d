namespace Canvas.ChatApi.Conversations;

/// <summary>
/// Conversations, each owned by one user. Every read and write names the user: another user's conversation
/// behaves exactly like one that does not exist.
/// </summary>
public interface IConversationStore
{
    /// <summary>Creates an empty conversation.</summary>
    Task<Conversation> CreateAsync(string userId, string agentId, string title, CancellationToken cancellationToken);

    /// <summary>Returns the conversation with its messages, or null when it is missing or not the user's.</summary>
    Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken);

    /// <summary>Returns the user's conversations, most recently updated first.</summary>
    Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Deletes the conversation; false when it is missing or not the user's.</summary>
    Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a message and makes the conversation the most recent; false (and nothing written) when the
    /// conversation is missing or not the user's, for example deleted while an answer was streaming.
    /// </summary>
    Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken);
}
