using System.Text.Json;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Reads Ollama's error body (<c>{"error":"…"}</c>, written by Gin's <c>c.JSON</c>) before OllamaSharp discards it,
/// and fails the call with <see cref="ProviderHttpException"/> carrying that message: "model 'x' not found" names
/// the fix, "Response status code does not indicate success" does not.
/// </summary>
/// <remarks>Successful responses pass through untouched and unbuffered, so streams stream.</remarks>
internal sealed class OllamaErrorBodyHandler : DelegatingHandler
{
    // Ollama's errors are one short line; anything longer is not one of them.
    private const int MaxErrorBodyBytes = 8 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new ProviderHttpException(response.StatusCode, await ErrorMessageAsync(response, cancellationToken).ConfigureAwait(false));
        }
    }

    private static async Task<string?> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                    ? error.GetString()
                    : null;
        }
        catch (Exception exception) when (exception is JsonException or IOException or HttpRequestException)
        {
            return null;
        }
    }
}
