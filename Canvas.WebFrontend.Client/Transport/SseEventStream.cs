using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Canvas.WebFrontend.Client.Api;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>Sends a request whose answer is an event stream and reads its <c>id:</c>/<c>event:</c>/<c>data:</c> frames.</summary>
internal static class SseEventStream
{
    /// <summary>The header that tells the API which tier the client fell back from.</summary>
    public const string FallbackFromHeader = "X-Canvas-Fallback-From";

    /// <summary>The header that makes a start retryable on any tier without a second answer.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// Sends <paramref name="request"/> and yields each event as it arrives; throws
    /// <see cref="TransportFailedException"/> when the stream cannot start or ends before a terminal event.
    /// </summary>
    public static async IAsyncEnumerable<ChatEvent> ReadAsync(
        HttpClient http,
        HttpRequestMessage request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        request.Headers.Accept.ParseAdd("text/event-stream");

        // Without this the browser's fetch hands over the body only when it is complete.
        request.SetBrowserResponseStreamingEnabled(true);

        using var response = await SendAsync(http, request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);

        var parser = SseParser.Create(body, (_, data) => JsonSerializer.Deserialize(data, ClientJsonContext.Default.ChatEvent));
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            if (item.Data is not { } chatEvent)
            {
                continue;
            }

            yield return chatEvent;
            if (chatEvent.IsTerminal)
            {
                yield break;
            }
        }

        throw new TransportFailedException(TransportTier.Sse, "The event stream ended before the answer was complete.");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new TransportFailedException(TransportTier.Sse, "The event stream could not be reached.", exception);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ApiProblemException.FromResponseAsync(response, cancellationToken);
            }
        }

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "no content type";
            response.Dispose();
            throw new TransportFailedException(TransportTier.Sse, $"Something between the browser and the chat API answered with {mediaType} instead of an event stream.");
        }

        return response;
    }
}
