using Canvas.ChatApi.Agents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Canvas.ChatApi.Apis;

/// <summary><c>/api/agents</c>: the agents and the tiers to reach each.</summary>
public static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agents").WithTags("Agents").RequireAuthorization();
        api.MapGet("/", GetAgents).WithSummary("The agents with their provider, model and tier order.");
        return api;
    }

    public static Ok<IReadOnlyList<Agent>> GetAgents(AgentCatalog catalog) => TypedResults.Ok(catalog.Agents);
}
