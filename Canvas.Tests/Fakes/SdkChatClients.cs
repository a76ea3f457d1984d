using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;
using OllamaSharp;
using OpenAI;

namespace Canvas.Tests.Fakes;

/// <summary>
/// Builds each provider SDK's <see cref="IChatClient"/> over an injected <see cref="HttpClient"/> pointed at a fake,
/// configured the way Canvas wants them in production: SDK retries off and no SDK deadline on a whole stream.
/// </summary>
internal static class SdkChatClients
{
    /// <summary>An <see cref="HttpClient"/> on the fake's address whose own 100 s timeout cannot cut a long stream.</summary>
    public static HttpClient HttpClientFor(FakeUpstreamServer server) =>
        new() { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>OllamaSharp reads the server address from <see cref="HttpClient.BaseAddress"/> and has no retries.</summary>
    public static IChatClient Ollama(HttpClient httpClient, string model) => new OllamaApiClient(httpClient, model);

    /// <summary>
    /// The OpenAI SDK appends <c>chat/completions</c> to <see cref="OpenAIClientOptions.Endpoint"/>, so the endpoint
    /// includes <c>/v1</c>. <see cref="ClientPipelineOptions.NetworkTimeout"/> bounds each read of a streamed body, not
    /// the whole stream.
    /// </summary>
    public static IChatClient OpenAI(HttpClient httpClient, string model, string apiKey = "sk-test-key") =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(httpClient.BaseAddress!, "v1"),
            Transport = new HttpClientPipelineTransport(httpClient),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromMinutes(5),
        }).GetChatClient(model).AsIChatClient();

    /// <summary>
    /// Anthropic's <see cref="ClientOptions.Timeout"/> bounds an attempt until the response headers arrive; setting it
    /// also stops the SDK from deriving one from <c>max_tokens</c>, which throws for large non-streaming requests.
    /// </summary>
    public static IChatClient Anthropic(HttpClient httpClient, string model, string apiKey = "sk-ant-test-key") =>
        new AnthropicClient(new ClientOptions
        {
            ApiKey = apiKey,
            BaseUrl = httpClient.BaseAddress!.ToString().TrimEnd('/'),
            HttpClient = httpClient,
            MaxRetries = 0,
            Timeout = TimeSpan.FromMinutes(5),
        }).AsIChatClient(model);
}
