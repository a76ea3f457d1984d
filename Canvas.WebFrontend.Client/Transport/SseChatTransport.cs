using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using Canvas.WebFrontend.Client.Api;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>The SSE tier: <c>POST /api/chat/sse</c>, resumed with <c>GET /api/generations/{gid}/events?after=</c>.</summary>
/// <param name="http">An HttpClient on the frontend's own origin.</param>
public sealed class SseChatTransport(HttpClient http) : IChatTransport
{
    /// <inheritdoc/>
    public TransportTier Tier => TransportTier.Sse;

    /// <inheritdoc/>
    public bool DeliversEachEvent => true;

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatEvent> StartAsync(ChatStart start, TransportTier? fallbackFrom, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/chat/sse")
        {
            Content = JsonContent.Create(new ChatStartBody(start.AgentId, start.ConversationId, start.Message, start.EditMessageId), ClientJsonContext.Default.ChatStartBody),
        };
        AddFallbackFrom(request, fallbackFrom);
        request.Headers.Add(SseEventStream.IdempotencyKeyHeader, start.IdempotencyKey);
        return SseEventStream.ReadAsync(http, request, cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatEvent> ResumeAsync(ResumePoint point, TransportTier? fallbackFrom, CancellationToken cancellationToken)
    {
        var uri = $"api/generations/{Uri.EscapeDataString(point.GenerationId)}/events";
        if (point.AfterSeq >= 0)
        {
            uri += "?after=" + point.AfterSeq.ToString(CultureInfo.InvariantCulture);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        AddFallbackFrom(request, fallbackFrom);
        return SseEventStream.ReadAsync(http, request, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> TryCancelAsync(string generationId, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Reads the frontend's paced <c>/probe/sse</c> stream: when its first event arrives only about as late as
    /// its last, something between the browser and the frontend is buffering streams.
    /// </summary>
    /// <inheritdoc/>
    public async Task<TierProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "probe/sse");
            request.SetBrowserResponseStreamingEnabled(true);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);

            TimeSpan? first = null;
            await foreach (var _ in SseParser.Create(body).EnumerateAsync(cancellationToken))
            {
                first ??= clock.Elapsed;
            }

            var total = clock.Elapsed;
            if (first is not { } firstEvent)
            {
                return new(Tier, false, "The probe stream arrived empty: something between the browser and the server strips event streams.", total);
            }

            // The probe spreads its events over about a second; buffered, they all arrive together at the end.
            var buffered = total - firstEvent < TimeSpan.FromMilliseconds(400);
            return buffered
                ? new(Tier, false, $"Events arrive all at once after {total.TotalMilliseconds:0} ms: a proxy between the browser and the server is buffering streams, so answers would appear only when complete. Canvas will use REST.", firstEvent)
                : new(Tier, true, $"Events stream as they are sent; the first arrived after {firstEvent.TotalMilliseconds:0} ms.", firstEvent);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return new(Tier, false, $"The event stream could not be opened ({exception.Message}).", clock.Elapsed);
        }
    }

    private static void AddFallbackFrom(HttpRequestMessage request, TransportTier? fallbackFrom)
    {
        if (fallbackFrom is { } tier)
        {
            request.Headers.Add(SseEventStream.FallbackFromHeader, tier.ToWire());
        }
    }
}
