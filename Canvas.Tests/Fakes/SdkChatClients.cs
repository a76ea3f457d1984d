using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Providers;
using Microsoft.Extensions.AI;

namespace Canvas.Tests.Fakes;

/// <summary>
/// Each provider SDK's <see cref="IChatClient"/> over an <see cref="HttpClient"/> pointed at a fake, built by the
/// ChatApi's own <see cref="ProviderChatClientFactory"/>, so these tests document what production sends and receives.
/// </summary>
internal static class SdkChatClients
{
    /// <summary>An <see cref="HttpClient"/> on the fake's address whose own 100 s timeout cannot cut a long stream.</summary>
    public static HttpClient HttpClientFor(FakeUpstreamServer server) =>
        new() { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public static IChatClient Ollama(HttpClient httpClient, string model) =>
        Create(ProviderNames.Ollama, httpClient.BaseAddress!, apiKey: null, model, httpClient);

    /// <summary>The OpenAI endpoint includes <c>/v1</c>, as the SDK's does.</summary>
    public static IChatClient OpenAI(HttpClient httpClient, string model, string apiKey = "sk-test-key") =>
        Create(ProviderNames.OpenAI, new Uri(httpClient.BaseAddress!, "v1"), apiKey, model, httpClient);

    public static IChatClient Anthropic(HttpClient httpClient, string model, string apiKey = "sk-ant-test-key") =>
        Create(ProviderNames.Anthropic, httpClient.BaseAddress!, apiKey, model, httpClient);

    private static IChatClient Create(string provider, Uri endpoint, string? apiKey, string model, HttpClient httpClient) =>
        ProviderChatClientFactory.Create(new ProviderEndpoint(provider, endpoint, apiKey, model, new ProviderOptions()), model, httpClient);
}
