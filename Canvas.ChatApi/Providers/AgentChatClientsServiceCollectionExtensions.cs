using Canvas.ChatApi.Agents;
using Canvas.ServiceDefaults.Http;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>Registers one <see cref="IChatClient"/> pipeline per agent, keyed by the agent's id.</summary>
internal static class AgentChatClientsServiceCollectionExtensions
{
    public static IServiceCollection AddAgentChatClients(this IServiceCollection services, AgentCatalog catalog)
    {
        foreach (var provider in catalog.Providers)
        {
            var http = services.AddHttpClient(ProviderChatClientFactory.HttpClientName(provider.Name))
                .AddStreamingTimeouts(new StreamingTimeouts
                {
                    FirstByte = provider.Options.FirstByteTimeout,
                    Idle = provider.Options.IdleTimeout,
                });
            if (provider.Name == ProviderNames.Ollama)
            {
                // Outside the retries: it reads the body of the response the retries finally gave up on.
                http.AddHttpMessageHandler(() => new OllamaErrorBodyHandler());
            }

            // Inside the timeouts: the time to first byte bounds the retries and their waits too.
            http.AddHttpMessageHandler(sp => new ProviderRetryHandler(
                provider.Options.MaxRetries, provider.Options.MaxRetryDelay, sp.GetRequiredService<TimeProvider>()));
        }

        foreach (var agent in catalog.Agents)
        {
            var provider = catalog.Providers.Single(p => p.Name == agent.Provider);
            // The same pipeline for every provider. The first Use is outermost, so the GenAI span covers the
            // logging, and both see a stream that FinishRequired turned into an error; RetryAfter, innermost, sees the SDK's exception first.
            // RawRepresentationRelease, inside the GenAI span's client, keeps the updates that client holds small.
            services.AddKeyedChatClient(agent.Id, sp => ProviderChatClientFactory.Create(
                    provider,
                    agent.Model,
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(ProviderChatClientFactory.HttpClientName(provider.Name))))
                .UseOpenTelemetry()
                .UseRawRepresentationRelease()
                .UseLogging()
                .UseFinishRequired()
                .UseRetryAfter();
        }

        return services;
    }
}
