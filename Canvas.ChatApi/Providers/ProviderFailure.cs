using System.ClientModel;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Anthropic.Exceptions;
using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Turns what a provider SDK threw into the <c>error</c> event a client can act on: a stable code, a message a
/// person can read (never a key or a prompt), and whether retrying can help.
/// </summary>
internal static partial class ProviderFailure
{
    private const int MaxUpstreamMessageLength = 300;

    public static ErrorEvent ToErrorEvent(Exception exception, string provider, string generationId, long seq)
    {
        var (code, message, retryable, retryAfter) = ClassifyOrNot(exception, provider);
        return new ErrorEvent
        {
            GenerationId = generationId,
            Seq = seq,
            Code = code,
            Message = message,
            Retryable = retryable,
            RetryAfterMs = retryAfter is { } wait ? (long)wait.TotalMilliseconds : null,
        };
    }

    // A failure that cannot be classified is still the provider's, and the answer must end with a typed error, not be
    // lost: a process out of file descriptors cannot load an SDK's exception type the first time it is needed.
    private static (string Code, string Message, bool Retryable, TimeSpan? RetryAfter) ClassifyOrNot(Exception exception, string provider)
    {
        try
        {
            return Classify(exception, provider);
        }
        catch (Exception classification) when (classification is not OutOfMemoryException)
        {
            return (ErrorCodes.UpstreamError, $"{provider} failed ({exception.GetType().Name}); the failure could not be read ({classification.GetType().Name}).", true, null);
        }
    }

    private static (string Code, string Message, bool Retryable, TimeSpan? RetryAfter) Classify(Exception exception, string provider)
    {
        // SDKs wrap transport failures in their own exception types; what happened is somewhere in the chain.
        var chain = Chain(exception).ToList();
        if (chain.OfType<TimeoutException>().FirstOrDefault() is { } timeout)
        {
            return (ErrorCodes.UpstreamTimeout, $"{provider} stopped answering: {timeout.Message}", true, null);
        }

        if (chain.Select(StatusOf).FirstOrDefault(status => status is not null) is { } status)
        {
            var detail = Shorten(chain.Select(ProviderMessageOf).FirstOrDefault(message => message is not null) ?? exception.Message);
            var retryAfter = chain.Select(ProviderRetryAfter.Of).FirstOrDefault(wait => wait is not null);
            if (provider == ProviderNames.Ollama && status == HttpStatusCode.NotFound && OllamaModelNotFound().Match(detail) is { Success: true } missing)
            {
                var model = missing.Groups["model"].Value;
                return (ErrorCodes.UpstreamRejected, $"The model {model} is not pulled: run `ollama pull {model}`.", false, null);
            }

            return status switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    (ErrorCodes.UpstreamAuthFailed, $"{provider} refused Canvas's credentials ({(int)status}). An administrator must fix the API key.", false, null),
                HttpStatusCode.TooManyRequests =>
                    (ErrorCodes.UpstreamRateLimited, $"{provider} is rate limiting requests: {detail}", true, retryAfter),
                _ when ProviderRetryHandler.IsRetryable(status) =>
                    (ErrorCodes.UpstreamUnavailable, $"{provider} is overloaded or unavailable ({(int)status}): {detail}", true, retryAfter),
                >= HttpStatusCode.InternalServerError =>
                    (ErrorCodes.UpstreamError, $"{provider} failed ({(int)status}): {detail}", true, null),
                _ => (ErrorCodes.UpstreamRejected, $"{provider} rejected the request ({(int)status}): {detail}", false, null),
            };
        }

        if (chain.FirstOrDefault(e => e is HttpRequestException or IOException) is { } transport)
        {
            return (ErrorCodes.UpstreamUnavailable, $"The connection to {provider} failed: {Shorten(transport.Message)}", true, null);
        }

        if (exception is IncompleteStreamException incomplete)
        {
            return (ErrorCodes.UpstreamError, $"{provider}: {incomplete.Message}", true, null);
        }

        return chain.Any(e => e is JsonException or FormatException or AnthropicInvalidDataException)
            ? (ErrorCodes.UpstreamError, $"{provider} sent a response Canvas could not read.", true, null)
            : (ErrorCodes.UpstreamError, $"{provider} failed: {Shorten(exception.Message)}", true, null);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static HttpStatusCode? StatusOf(Exception exception) => exception switch
    {
        ClientResultException { Status: > 0 } openAI => (HttpStatusCode)openAI.Status,
        AnthropicApiException anthropic => anthropic.StatusCode,
        HttpRequestException { StatusCode: { } status } => status,
        _ => null,
    };

    /// <summary>
    /// The provider's own error message, where its SDK kept the body: OpenAI's <c>error.message</c>, Ollama's
    /// <c>error</c> (through <see cref="OllamaErrorBodyHandler"/>). Anthropic's SDK puts its message in the exception's own.
    /// </summary>
    private static string? ProviderMessageOf(Exception exception) => exception switch
    {
        ProviderHttpException { ProviderMessage: { } message } => message,
        ClientResultException openAI => OpenAIErrorMessage(openAI),
        _ => null,
    };

    private static string? OpenAIErrorMessage(ClientResultException exception)
    {
        try
        {
            var body = exception.GetRawResponse()?.Content;
            if (body is null || body.ToMemory().IsEmpty)
            {
                return null;
            }

            using var json = JsonDocument.Parse(body.ToMemory());
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : null;
        }
        catch (Exception failure) when (failure is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // Ollama's server/routes.go: fmt.Sprintf("model '%s' not found", req.Model); older servers add ", try pulling it first".
    [GeneratedRegex("""^model ['"](?<model>[^'"]+)['"] not found""")]
    private static partial Regex OllamaModelNotFound();

    private static string Shorten(string text) =>
        text.Length <= MaxUpstreamMessageLength ? text : string.Concat(text.AsSpan(0, MaxUpstreamMessageLength), "…");
}
