using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Canvas.AppHost.Ollama;

/// <summary>
/// The two calls of Ollama's HTTP API the hosting integration needs: list the local models (<c>GET /api/tags</c>) and
/// pull one (<c>POST /api/pull</c>, an NDJSON stream of progress lines ending in <c>success</c> or an <c>error</c>).
/// </summary>
/// <param name="http">The client; its base address is not used, every call names the server.</param>
public sealed class OllamaApi(HttpClient http)
{
    /// <summary>Whether the server at <paramref name="endpoint"/> holds <paramref name="model"/>.</summary>
    /// <param name="endpoint">Ollama's root address, e.g. <c>http://localhost:11434</c>.</param>
    /// <param name="model">The model, e.g. <c>llama3.2:1b</c>; a name without a tag means <c>:latest</c>, as in Ollama.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> HasModelAsync(Uri endpoint, string model, CancellationToken cancellationToken)
    {
        var tags = await http.GetFromJsonAsync<TagsResponse>(new Uri(endpoint, "/api/tags"), cancellationToken).ConfigureAwait(false);
        var wanted = WithTag(model);
        return tags?.Models?.Any(listed => string.Equals(WithTag(listed.Name), wanted, StringComparison.OrdinalIgnoreCase)) == true;
    }

    /// <summary>Pulls <paramref name="model"/>, yielding Ollama's progress lines as they arrive.</summary>
    /// <param name="endpoint">Ollama's root address.</param>
    /// <param name="model">The model to pull.</param>
    /// <param name="cancellationToken">Cancels the pull.</param>
    /// <returns>The progress lines; the last one has <see cref="PullProgress.Error"/> set when the pull failed.</returns>
    public async IAsyncEnumerable<PullProgress> PullAsync(
        Uri endpoint, string model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "/api/pull"))
        {
            Content = JsonContent.Create(new { model, stream = true }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Ollama answers a refused pull with {"error": "..."} and a 4xx/5xx status.
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            yield return new PullProgress(null, null, null, ErrorOf(body) ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            yield break;
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize<PullProgress>(line) is { } progress)
            {
                yield return progress;
            }
        }
    }

    private static string WithTag(string model) => model.Contains(':', StringComparison.Ordinal) ? model : model + ":latest";

    private static string? ErrorOf(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<PullProgress>(body)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record TagsResponse([property: JsonPropertyName("models")] IReadOnlyList<ListedModel>? Models);

    private sealed record ListedModel([property: JsonPropertyName("name")] string Name);
}

/// <summary>One line of Ollama's pull stream.</summary>
/// <param name="Status">What Ollama is doing, e.g. <c>pulling manifest</c>, <c>pulling 74701a8c35f6</c>, <c>success</c>.</param>
/// <param name="Total">The size of the layer being downloaded, in bytes, when a download is under way.</param>
/// <param name="Completed">The bytes of that layer downloaded so far.</param>
/// <param name="Error">Ollama's message when the pull failed.</param>
public sealed record PullProgress(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("total")] long? Total,
    [property: JsonPropertyName("completed")] long? Completed,
    [property: JsonPropertyName("error")] string? Error)
{
    /// <summary>Gets the percentage of the current layer downloaded, or null when the line reports no download.</summary>
    public int? Percent => Total is > 0 ? (int)(100 * (Completed ?? 0) / Total.Value) : null;
}
