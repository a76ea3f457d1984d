using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Agents;

/// <summary>
/// Checks every configured provider in the background (at start-up, then every <see cref="AgentCheckOptions.Interval"/>)
/// and keeps each agent's last status, so <c>GET /api/agents</c> answers from memory and never waits for a provider.
/// </summary>
public sealed partial class AgentReachability(
    AgentCatalog catalog,
    ProviderProbe probe,
    IOptions<AgentCheckOptions> options,
    TimeProvider time,
    ILogger<AgentReachability> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, AgentStatus> _statuses = new(StringComparer.Ordinal);

    /// <summary>Raised after each round of checks, once every agent's status is updated.</summary>
    public event EventHandler? Checked;

    /// <summary>Returns the agent's last status; <see cref="AgentStatus.NotChecked"/> before the first check.</summary>
    public AgentStatus StatusOf(string agentId) => _statuses.GetValueOrDefault(agentId, AgentStatus.NotChecked);

    /// <summary>Checks every provider once, at the same time, and updates every agent's status.</summary>
    /// <param name="cancellationToken">Ends the round.</param>
    public async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        var reports = await Task.WhenAll(catalog.Providers.Select(async provider => (provider.Name, Report: await probe.ProbeAsync(provider, options.Value.Timeout, cancellationToken))));
        var checkedAt = time.GetUtcNow();
        foreach (var agent in catalog.Agents)
        {
            var status = reports.Single(r => r.Name == agent.Provider).Report.StatusOf(agent, checkedAt);
            var previous = StatusOf(agent.Id);
            _statuses[agent.Id] = status;
            if (previous.State != status.State || previous.Reason != status.Reason)
            {
                LogStatusChanged(agent.Id, status.State, status.Reason ?? "its provider answered");
            }
        }

        Checked?.Invoke(this, EventArgs.Empty);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            do
            {
                await CheckAllAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Agent {AgentId} is {State}: {Reason}.")]
    private partial void LogStatusChanged(string agentId, string state, string reason);
}
