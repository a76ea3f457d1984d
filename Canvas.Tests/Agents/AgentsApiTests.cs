using System.Net.Http.Json;
using System.Text.Json;
using Canvas.ChatApi.Agents;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Agents;

/// <summary><c>GET /api/agents</c> says whether each agent's provider answered, from the background check's cache.</summary>
public sealed class AgentsApiTests : ChatApiTest
{
    // One check at start-up, none after it during the test.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:AgentChecks:Interval"] = "01:00:00",
    };

    [Fact]
    public async Task GetAgents_AfterTheStartUpCheck_SaysEveryAgentIsReachableWithoutAskingTheProvidersAgain()
    {
        // Arrange: the start-up check runs in the background; wait for it, bounded.
        using var client = Api.ClientFor("agent-lister");
        var agents = await ListAsync(client);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (agents.Any(agent => agent.Status.State == AgentStatus.Unknown))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
            agents = await ListAsync(client);
        }

        var probes = (Environment.Ollama.ProbeCount, Environment.OpenAI.ProbeCount, Environment.Anthropic.ProbeCount);

        // Act
        for (var i = 0; i < 5; i++)
        {
            agents = await ListAsync(client);
        }

        // Assert
        Assert.Equal(["local", "gpt", "claude"], agents.Select(agent => agent.Id));
        Assert.All(agents, agent => Assert.True(agent.Status is { State: AgentStatus.Reachable, Reason: null, CheckedAt: not null }, agent.ToString()));
        Assert.Equal((1, 1, 1), probes);
        Assert.Equal(probes, (Environment.Ollama.ProbeCount, Environment.OpenAI.ProbeCount, Environment.Anthropic.ProbeCount));
    }

    private static async Task<List<AgentEntry>> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<AgentEntry>>("/api/agents", JsonSerializerOptions.Web))!;
}
