using Canvas.ChatApi.Agents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Canvas.ChatApi.Apis;

/// <summary><c>/api/agents</c>: the agents, the tiers to reach each, and whether its provider answered lately.</summary>
public static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agents").WithTags("Agents").RequireAuthorization();
        api.MapGet("/", GetAgents).WithSummary("The agents with their provider, model, tier order and last checked status.");
        return api;
    }

    /// <summary>Answers from the background checks' cache; a provider is never called on this path.</summary>
    public static Ok<IReadOnlyList<AgentEntry>> GetAgents(AgentCatalog catalog, AgentReachability reachability) =>
        TypedResults.Ok<IReadOnlyList<AgentEntry>>(catalog.Agents.Select(agent => AgentEntry.Of(agent, reachability.StatusOf(agent.Id))).ToList());
}
