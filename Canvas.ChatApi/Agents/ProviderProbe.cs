using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Canvas.ChatApi.Agents;

/// <summary>What one check of a provider found.</summary>
/// <param name="Failure">Why the provider is unreachable, naming the fix; null when it answered.</param>
/// <param name="Models">The models an Ollama server has pulled; null for other providers.</param>
public sealed record ProviderReport(string? Failure, IReadOnlySet<string>? Models)
{
    /// <summary>Returns the agent's status from this report, checked at <paramref name="checkedAt"/>.</summary>
    public AgentStatus StatusOf(Agent agent, DateTimeOffset checkedAt)
    {
        if (Failure is not null)
        {
            return new AgentStatus(AgentStatus.Unreachable, Failure, checkedAt);
        }

        return Models is null || Models.Contains(ProviderProbe.OllamaModelName(agent.Model))
            ? new AgentStatus(AgentStatus.Reachable, null, checkedAt)
            : new AgentStatus(AgentStatus.Unreachable, $"the model {agent.Model} is not pulled: run `ollama pull {agent.Model}`", checkedAt);
    }
}

/// <summary>
/// Asks a provider the cheapest question that proves it would answer a chat: Ollama's model list (<c>GET
/// /api/tags</c>), OpenAI's and Anthropic's models endpoint with the key.
/// </summary>
/// <remarks>The key travels only in its header; no failure text quotes a header or a body.</remarks>
public sealed class ProviderProbe(IHttpClientFactory httpClients)
{
    /// <summary>The name of the checks' HttpClient.</summary>
    public const string HttpClientName = "canvas-provider-probe";

    private const string AnthropicVersion = "2023-06-01";

    /// <summary>Checks one provider.</summary>
    /// <param name="provider">The provider to check.</param>
    /// <param name="timeout">How long to wait for its answer.</param>
    /// <param name="cancellationToken">Ends the check.</param>
    public async Task<ProviderReport> ProbeAsync(ProviderEndpoint provider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        using var request = RequestFor(provider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && provider.Name != ProviderNames.Ollama)
            {
                return new ProviderReport("the API key is rejected", null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new ProviderReport($"{DisplayName(provider)} at {provider.Endpoint} answered {(int)response.StatusCode}", null);
            }

            return provider.Name == ProviderNames.Ollama
                ? new ProviderReport(null, await PulledModelsAsync(response, deadline.Token))
                : new ProviderReport(null, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderReport(NoAnswer(provider, exception), null);
        }
    }

    /// <summary>The name Ollama lists a model under: a model without a tag is <c>:latest</c>.</summary>
    public static string OllamaModelName(string model) => model.Contains(':', StringComparison.Ordinal) ? model : model + ":latest";

    private static HttpRequestMessage RequestFor(ProviderEndpoint provider)
    {
        // A base URL without a trailing slash would lose its last segment when combined.
        var baseUri = provider.Endpoint.AbsoluteUri.EndsWith('/') ? provider.Endpoint : new Uri(provider.Endpoint.AbsoluteUri + "/");
        switch (provider.Name)
        {
            case ProviderNames.OpenAI:
                var openAI = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "models"));
                openAI.Headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
                return openAI;
            case ProviderNames.Anthropic:
                var anthropic = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "v1/models"));
                anthropic.Headers.Add("x-api-key", provider.ApiKey);
                anthropic.Headers.Add("anthropic-version", AnthropicVersion);
                return anthropic;
            default:
                return new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "api/tags"));
        }
    }

    private static async Task<IReadOnlySet<string>> PulledModelsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var tags = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var models = new HashSet<string>(StringComparer.Ordinal);
        if (tags.RootElement.TryGetProperty("models", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in list.EnumerateArray())
            {
                foreach (var field in (ReadOnlySpan<string>)["name", "model"])
                {
                    if (model.TryGetProperty(field, out var name) && name.GetString() is { } value)
                    {
                        models.Add(OllamaModelName(value));
                    }
                }
            }
        }

        return models;
    }

    private static string NoAnswer(ProviderEndpoint provider, Exception exception) => provider.Name switch
    {
        ProviderNames.Ollama when exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } =>
            $"Ollama is not running at {provider.Endpoint}",
        ProviderNames.Ollama when exception is JsonException => $"the server at {provider.Endpoint} is not Ollama: its model list is not JSON",
        ProviderNames.Ollama => $"Ollama at {provider.Endpoint} does not answer",
        _ => $"{DisplayName(provider)} cannot be reached",
    };

    private static string DisplayName(ProviderEndpoint provider) => provider.Name switch
    {
        ProviderNames.OpenAI => "OpenAI",
        ProviderNames.Anthropic => "Anthropic",
        _ => "Ollama",
    };
}
