using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Session;

namespace Canvas.WebFrontend.Client.Components;

/// <summary>What a message's buttons do, and what they need to know; the page owns the session they act on.</summary>
/// <param name="Agents">The agents, to name an answer's agent and to offer the others.</param>
/// <param name="CanRework">Whether a message may be edited, or its answer regenerated, now.</param>
/// <param name="Regenerate">Answers again, by the agent given (null: the same one).</param>
/// <param name="Edit">Replaces a user message with new text and answers it.</param>
/// <param name="Retry">Sends a failed answer's message again, by the agent given (null: the same one).</param>
public sealed record MessageActionHandlers(
    IReadOnlyList<AgentInfo> Agents,
    Func<MessageView, bool> CanRework,
    Func<MessageView, string?, Task> Regenerate,
    Func<MessageView, string, Task> Edit,
    Func<MessageView, string?, Task> Retry)
{
    /// <summary>Gets the display name of an agent, or null when it is unknown.</summary>
    public string? NameOf(string? agentId) => Agents.FirstOrDefault(agent => agent.Id == agentId)?.Name;

    /// <summary>Gets the agents other than <paramref name="agentId"/>, those the API can reach first.</summary>
    public IEnumerable<AgentInfo> OthersThan(string? agentId) =>
        Agents.Where(agent => agent.Id != agentId).OrderBy(agent => agent.IsUnreachable);
}
