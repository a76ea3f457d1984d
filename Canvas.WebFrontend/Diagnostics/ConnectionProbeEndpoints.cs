using System.Globalization;

namespace Canvas.WebFrontend.Diagnostics;

/// <summary>
/// <c>GET /probe/sse</c>: a short, paced event stream the connection check reads to tell whether something
/// between the browser and the frontend buffers streams (the first event then arrives only with the last).
/// </summary>
public static class ConnectionProbeEndpoints
{
    /// <summary>The number of events the probe sends.</summary>
    public const int ProbeEventCount = 5;

    /// <summary>The pause between two probe events.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Maps the probe stream.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapConnectionProbe(this IEndpointRouteBuilder app) =>
        app.MapGet("/probe/sse", WriteProbeStreamAsync).ExcludeFromDescription();

    private static async Task WriteProbeStreamAsync(HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";

        for (var i = 1; i <= ProbeEventCount; i++)
        {
            var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsync($"id: {i}\nevent: probe\ndata: {sentAt}\n\n", cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            if (i < ProbeEventCount)
            {
                await Task.Delay(ProbeInterval, cancellationToken);
            }
        }
    }
}
