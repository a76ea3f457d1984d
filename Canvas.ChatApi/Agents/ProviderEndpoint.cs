using System.Data.Common;

namespace Canvas.ChatApi.Agents;

/// <summary>A provider that is configured well enough to be called.</summary>
/// <param name="Name">The provider's name (<see cref="ProviderNames"/>).</param>
/// <param name="Endpoint">The base URL the SDK is pointed at.</param>
/// <param name="ApiKey">The API key, or null for Ollama.</param>
/// <param name="DefaultModel">The model of agents that name none.</param>
/// <param name="Options">The provider's settings, for its timeouts.</param>
public sealed record ProviderEndpoint(string Name, Uri Endpoint, string? ApiKey, string? DefaultModel, ProviderOptions Options)
{
    private static readonly Uri OpenAIPublic = new("https://api.openai.com/v1");
    private static readonly Uri AnthropicPublic = new("https://api.anthropic.com");

    /// <summary>The name of the Aspire Ollama model connection string (<c>Endpoint=…;Model=…</c>).</summary>
    public const string OllamaConnectionName = "chat-model";

    /// <summary>
    /// Resolves a provider from configuration, or returns the reason it is not configured.
    /// </summary>
    public static (ProviderEndpoint? Endpoint, string? Missing) Resolve(
        string provider, CanvasOptions options, string? ollamaConnectionString)
    {
        var settings = options.Providers.GetValueOrDefault(provider) ?? new ProviderOptions();
        switch (provider)
        {
            case ProviderNames.Ollama:
                var connection = new DbConnectionStringBuilder { ConnectionString = ollamaConnectionString ?? "" };
                // The orchestrator's connection string wins over appsettings, which only holds a local default.
                var endpoint = connection.TryGetValue("Endpoint", out var url) ? new Uri((string)url) : settings.Endpoint;
                var model = connection.TryGetValue("Model", out var m) ? (string)m : settings.Model;
                return endpoint is null
                    ? (null, $"no Canvas:Providers:Ollama:Endpoint and no ConnectionStrings:{OllamaConnectionName}")
                    : (new ProviderEndpoint(provider, endpoint, null, model, settings), null);
            case ProviderNames.OpenAI or ProviderNames.Anthropic:
                if (string.IsNullOrWhiteSpace(settings.ApiKey))
                {
                    return (null, $"no Canvas:Providers:{(provider == ProviderNames.OpenAI ? "OpenAI" : "Anthropic")}:ApiKey");
                }

                var publicApi = provider == ProviderNames.OpenAI ? OpenAIPublic : AnthropicPublic;
                return (new ProviderEndpoint(provider, settings.Endpoint ?? publicApi, settings.ApiKey, settings.Model, settings), null);
            default:
                return (null, $"'{provider}' is not a provider Canvas knows (ollama, openai, anthropic)");
        }
    }
}
