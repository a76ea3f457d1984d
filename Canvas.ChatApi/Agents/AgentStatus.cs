namespace Canvas.ChatApi.Agents;

/// <summary>Whether an agent's provider answered the last background check, as <c>GET /api/agents</c> says.</summary>
/// <param name="State"><c>reachable</c>, <c>unreachable</c> or <c>unknown</c> (not checked yet).</param>
/// <param name="Reason">Why it is unreachable, in words that name the fix; null otherwise.</param>
/// <param name="CheckedAt">When it was last checked; null before the first check.</param>
public sealed record AgentStatus(string State, string? Reason, DateTimeOffset? CheckedAt)
{
    public const string Reachable = "reachable";
    public const string Unreachable = "unreachable";
    public const string Unknown = "unknown";

    /// <summary>The status of an agent not checked yet.</summary>
    public static readonly AgentStatus NotChecked = new(Unknown, null, null);
}

/// <summary>An item of <c>GET /api/agents</c>: the agent and its provider's last known reachability.</summary>
public sealed record AgentEntry(
    string Id,
    string Name,
    string Provider,
    string Model,
    IReadOnlyList<string> Transports,
    string TransportNote,
    AgentStatus Status)
{
    /// <summary>The entry of <paramref name="agent"/> with <paramref name="status"/>.</summary>
    public static AgentEntry Of(Agent agent, AgentStatus status) =>
        new(agent.Id, agent.Name, agent.Provider, agent.Model, agent.Transports, agent.TransportNote, status);
}
