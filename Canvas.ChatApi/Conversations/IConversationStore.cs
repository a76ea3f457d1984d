namespace Canvas.ChatApi.Conversations;

/// <summary>
/// Conversations, each owned by one user. Every read and write names the user: another user's conversation
/// behaves exactly like one that does not exist.
/// </summary>
public interface IConversationStore
{
    /// <summary>
    /// Creates a conversation holding <paramref name="first"/> (given an id when it has none) and makes it the user's
    /// most recent, in one write where the store can: the conversation never exists without its first message, and
    /// is listed only once it exists. Returns it with that message.
    /// </summary>
    Task<Conversation> CreateWithMessageAsync(
        string userId, string agentId, string title, ConversationMessage first, CancellationToken cancellationToken);

    /// <summary>Returns the conversation with its messages, or null when it is missing or not the user's.</summary>
    Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken);

    /// <summary>Returns a page of the user's conversations, most recently updated first.</summary>
    Task<ConversationPage> ListAsync(string userId, ConversationQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the conversation; false when it is missing or not the user's.</summary>
    Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a message (giving it an id when it has none) and makes the conversation the most recent; false (and
    /// nothing written) when the conversation is missing or not the user's, for example deleted while an answer was
    /// streaming. An answer whose generation already wrote the last message is not written again (true): a runner
    /// that lost the reply to its append sends it again.
    /// </summary>
    Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken);

    /// <summary>Renames the conversation; null when it is missing or not the user's. The order of the list is unchanged.</summary>
    Task<ConversationSummary?> RenameAsync(string userId, string conversationId, string title, CancellationToken cancellationToken);

    /// <summary>
    /// Cuts the conversation at a user message (it and everything after it go) and appends <paramref name="message"/>
    /// in its place, in one step; the conversation's agent becomes the message's. Nothing is written unless it is
    /// <see cref="ConversationCut.Done"/>.
    /// </summary>
    Task<ConversationCut> ReplaceFromAsync(
        string userId, string conversationId, string messageId, ConversationMessage message, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IConversationStore.ReplaceFromAsync"/> did.</summary>
public enum ConversationCut
{
    /// <summary>The conversation was cut and the message appended.</summary>
    Done,

    /// <summary>The conversation is missing or not the user's.</summary>
    NoSuchConversation,

    /// <summary>The conversation has no message with that id.</summary>
    NoSuchMessage,

    /// <summary>The message with that id is not a user message.</summary>
    NotAUserMessage,
}
