using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;

namespace Canvas.ChatApi.Generations;

/// <summary>Why a start with <c>editMessageId</c> cannot cut the conversation there.</summary>
public enum EditRefusal
{
    /// <summary>The conversation has no message with that id.</summary>
    NoSuchMessage,

    /// <summary>The message with that id is not a user message.</summary>
    NotAUserMessage,

    /// <summary>The conversation is still answering; cutting it would orphan that answer.</summary>
    ConversationBusy,
}

/// <summary>
/// Regenerate and edit-and-resend: a start that names one of the conversation's user messages replaces it and
/// everything after it, and the provider sees only what came before.
/// </summary>
internal static class ConversationEdit
{
    /// <summary>Returns why the conversation cannot be cut at <paramref name="messageId"/>, or null when it can.</summary>
    public static async Task<EditRefusal?> CheckAsync(
        Conversation conversation, string messageId, IGenerationBackplane backplane, CancellationToken cancellationToken)
    {
        if (conversation.Messages.FirstOrDefault(message => message.Id == messageId) is not { } message)
        {
            return EditRefusal.NoSuchMessage;
        }

        if (message.Role != ConversationMessage.UserRole)
        {
            return EditRefusal.NotAUserMessage;
        }

        // An answer whose runner died never stores its message, so the conversation looks busy until the log says
        // the generation ended (generation_lost) or is gone.
        return conversation.ActiveGenerationId is { } active
            && await backplane.ReadStoredAsync(active, cancellationToken) is { Count: > 0 } events
            && !events[^1].IsTerminal
                ? EditRefusal.ConversationBusy
                : null;
    }

    /// <summary>The messages the provider sees before the new one: those before <paramref name="messageId"/>, or all without one.</summary>
    public static IReadOnlyList<ConversationMessage> Earlier(IReadOnlyList<ConversationMessage> messages, string? messageId)
    {
        if (messageId is null)
        {
            return messages;
        }

        var index = messages.ToList().FindIndex(message => message.Id == messageId);
        return index < 0 ? messages : messages.Take(index).ToList();
    }
}
