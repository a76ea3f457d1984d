using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Canvas.ChatApi.Agents;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Creates the innermost <see cref="IChatClient"/> of an agent from its provider's official SDK, on the provider's
/// named HttpClient so timeouts, telemetry and handlers come from one place.
/// </summary>
/// <remarks>
/// SDK retries are off: a retry after the first byte would replay tokens, and the SDKs retry errors that retrying
/// cannot fix; <see cref="ProviderRetryHandler"/> on the HttpClient retries only a "not now" (429, 503) before the
/// answer, the same for every provider. SDK total timeouts are off: the HttpClient's streaming timeouts (time to
/// first byte, idle gap) apply instead.
/// </remarks>
internal static class ProviderChatClientFactory
{
    /// <summary>The most tokens an Anthropic answer may have; the Messages API requires a limit on every request.</summary>
    public const int AnthropicMaxOutputTokens = 4096;

    /// <summary>The name of a provider's HttpClient.</summary>
    public static string HttpClientName(string provider) => $"canvas-provider-{provider}";

    /// <summary>Creates the SDK's chat client for one model.</summary>
    public static IChatClient Create(ProviderEndpoint provider, string model, HttpClient http) => provider.Name switch
    {
        ProviderNames.Ollama => CreateOllama(provider, model, http),
        ProviderNames.OpenAI => CreateOpenAI(provider, model, http),
        ProviderNames.Anthropic => CreateAnthropic(provider, model, http),
        _ => throw new InvalidOperationException($"No SDK for provider '{provider.Name}'."),
    };

    private static IChatClient CreateOllama(ProviderEndpoint provider, string model, HttpClient http)
    {
        http.BaseAddress = provider.Endpoint;
        return new OllamaApiClient(http, model);
    }

    private static IChatClient CreateOpenAI(ProviderEndpoint provider, string model, HttpClient http)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = provider.Endpoint,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        return new OpenAIClient(new ApiKeyCredential(provider.ApiKey!), options).GetChatClient(model).AsIChatClient();
    }

    private static IChatClient CreateAnthropic(ProviderEndpoint provider, string model, HttpClient http)
    {
        var client = new AnthropicClient
        {
            ApiKey = provider.ApiKey!,
            BaseUrl = provider.Endpoint.ToString().TrimEnd('/'),
            HttpClient = http,
            MaxRetries = 0,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return client.AsIChatClient(model, defaultMaxOutputTokens: AnthropicMaxOutputTokens);
    }
}
