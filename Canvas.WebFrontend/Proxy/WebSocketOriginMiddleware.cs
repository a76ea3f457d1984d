using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Canvas.WebFrontend.Proxy;

/// <summary>
/// Refuses, with 403, a WebSocket upgrade whose <c>Origin</c> is not the frontend's own: browsers send the
/// identity cookie on cross-site WebSocket handshakes, so without this check any site could chat as the user.
/// </summary>
internal sealed partial class WebSocketOriginMiddleware(
    RequestDelegate next,
    IOptions<ChatApiProxyOptions> options,
    ILogger<WebSocketOriginMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsWebSocketUpgrade(context.Request) && !IsAllowedOrigin(context.Request))
        {
            LogRefused(logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        return next(context);
    }

    // HTTP/1.1 upgrades carry "Upgrade: websocket" (RFC 6455 §4.1); HTTP/2 uses an extended CONNECT whose
    // :protocol is "websocket" (RFC 8441 §4).
    private static bool IsWebSocketUpgrade(HttpRequest request) =>
        request.Headers.Upgrade.Any(value => string.Equals(value, "websocket", StringComparison.OrdinalIgnoreCase))
        || (HttpMethods.IsConnect(request.Method) && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.Protocol == "websocket");

    private bool IsAllowedOrigin(HttpRequest request)
    {
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.Value.AllowedOrigins.Any(allowed => string.Equals(origin, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(1, LogLevel.Debug, "Refused a WebSocket upgrade from origin '{Origin}'.")]
    private static partial void LogRefused(ILogger logger, string origin);
}
