namespace Canvas.ChatApi.Agents;

/// <summary>Says at start-up which agents are offered and why any configured one is not.</summary>
internal sealed partial class AgentCatalogLog(AgentCatalog catalog, ILogger<AgentCatalog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var agent in catalog.Agents)
        {
            LogOffered(agent.Id, agent.Provider, agent.Model, string.Join(",", agent.Transports));
        }

        foreach (var (agent, reason) in catalog.LeftOut)
        {
            LogLeftOut(agent.Id, agent.Provider, reason);
        }

        if (catalog.Agents.Count == 0)
        {
            LogNoAgents();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Agent {AgentId} offered: {Provider} {Model}, tiers {Tiers}.")]
    private partial void LogOffered(string agentId, string provider, string model, string tiers);

    [LoggerMessage(2, LogLevel.Warning, "Agent {AgentId} ({Provider}) left out: {Reason}.")]
    private partial void LogLeftOut(string agentId, string provider, string reason);

    [LoggerMessage(3, LogLevel.Warning, "No agent is offered: configure a provider (see README, Configuration).")]
    private partial void LogNoAgents();
}
