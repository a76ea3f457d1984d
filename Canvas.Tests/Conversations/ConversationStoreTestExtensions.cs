using Canvas.ChatApi.Conversations;

namespace Canvas.Tests.Conversations;

/// <summary>Setup for tests that need a conversation but do not care how it began.</summary>
internal static class ConversationStoreTestExtensions
{
    /// <summary>Creates a conversation as a chat starts one: with the user's first message, whose text is the title.</summary>
    public static Task<Conversation> StartAsync(this IConversationStore store, string userId, string agentId, string title, DateTimeOffset at) =>
        store.CreateWithMessageAsync(userId, agentId, title, new ConversationMessage(ConversationMessage.UserRole, title, at), CancellationToken.None);
}
