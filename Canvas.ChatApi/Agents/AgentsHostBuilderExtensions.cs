using Canvas.ChatApi.Providers;
using Microsoft.Extensions.Http.Resilience;

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
        builder.Services.AddOptions<AgentCheckOptions>()
            .BindConfiguration(AgentCheckOptions.SectionName)
            .Validate(o => o.Interval > TimeSpan.Zero && o.Timeout > TimeSpan.Zero,
                $"{AgentCheckOptions.SectionName}:Interval and :Timeout must be positive.")
            .ValidateOnStart();
        // A check that fails is simply reported; the next one comes at the next interval, so retries would only delay it.
#pragma warning disable EXTEXP0001 // Experimental, but the documented way to opt one client out of ConfigureHttpClientDefaults.
        builder.Services.AddHttpClient(ProviderProbe.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<ProviderProbe>();
        builder.Services.AddSingleton<AgentReachability>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentReachability>());
        builder.Services.AddAgentChatClients(catalog);
        return builder;
    }
}
