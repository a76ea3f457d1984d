using Canvas.ChatApi.Providers;

namespace Canvas.ChatApi.Agents;

/// <summary>Registers the agent catalog and each agent's chat client.</summary>
internal static class AgentsHostBuilderExtensions
{
    public static IHostApplicationBuilder AddChatAgents(this IHostApplicationBuilder builder)
    {
        // Agents decide which keyed chat clients exist, so they are read before the container is built.
        var options = new CanvasOptions();
        builder.Configuration.GetSection(CanvasOptions.SectionName).Bind(options);
        var catalog = AgentCatalog.Build(options, builder.Configuration.GetConnectionString(ProviderEndpoint.OllamaConnectionName));

        builder.Services.AddSingleton(catalog);
        builder.Services.AddHostedService<AgentCatalogLog>();
        builder.Services.AddAgentChatClients(catalog);
        return builder;
    }
}
