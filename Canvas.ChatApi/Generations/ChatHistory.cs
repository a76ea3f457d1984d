using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Conversations;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Generations;

/// <summary>What the provider sees: the agent's system prompt, the conversation so far, and the new message.</summary>
internal static class ChatHistory
{
    public static IReadOnlyList<ChatMessage> For(Agent agent, IReadOnlyList<ConversationMessage> earlier, string message)
    {
        var history = new List<ChatMessage>(earlier.Count + 2);
        if (!string.IsNullOrWhiteSpace(agent.SystemPrompt))
        {
            history.Add(new ChatMessage(ChatRole.System, agent.SystemPrompt));
        }

        foreach (var turn in earlier)
        {
            // An empty answer (failed before its first token) would only confuse the model.
            if (turn.Text.Length > 0)
            {
                history.Add(new ChatMessage(turn.Role == ConversationMessage.UserRole ? ChatRole.User : ChatRole.Assistant, turn.Text));
            }
        }

        history.Add(new ChatMessage(ChatRole.User, message));
        return history;
    }
}
