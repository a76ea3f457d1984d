using System.Net.WebSockets;
using System.Text;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Capacity;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Streaming;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Canvas.ChatApi.Apis;

/// <summary><c>GET /api/chat/ws</c>: the WebSocket tier.</summary>
public static class ChatSocketApi
{
    // RFC 6455 §5.5: a control frame's payload is at most 125 bytes, two of which carry the close status.
    private const int MaxCloseReasonBytes = 123;

    // RFC 6455 §7.4.2, IANA registry: 1013 "Try Again Later"; WebSocketCloseStatus has no name for it.
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public static RouteHandlerBuilder MapChatSocket(this IEndpointRouteBuilder api) =>
        api.MapGet("/ws", AcceptChatSocket)
            // Authenticated inside: a browser sees no 401 on an upgrade, only a close reason.
            .AllowAnonymous()
            .WithSummary("WebSocket upgrade; many generations per socket (Authorization header or ?ticket=).");

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> AcceptChatSocket(
        HttpContext context, ChatServices services, OpenStreamLimiter openStreams, InstanceCapacity capacity, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return new ChatRequestError(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest,
                "GET /api/chat/ws is a WebSocket endpoint; send an upgrade request.").ToProblem();
        }

        var authentication = await context.AuthenticateAsync();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (!authentication.Succeeded)
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, Truncate(AuthFailure.Get(context)), context.RequestAborted);
            return TypedResults.Empty;
        }

        context.User = authentication.Principal;
        if (!capacity.HasRoomForStream)
        {
            await socket.CloseAsync(TryAgainLater, Truncate(InstanceCapacity.Refusal.Message), context.RequestAborted);
            return TypedResults.Empty;
        }

        using var stream = await openStreams.TryOpenAsync(context.User.GetUserId(), context.RequestAborted);
        if (stream is null)
        {
            await socket.CloseAsync(TryAgainLater, Truncate(openStreams.Refusal.Message), context.RequestAborted);
            return TypedResults.Empty;
        }

        var session = new ChatSocketSession(socket, context.User.GetUserId(), services,
            loggers.CreateLogger<ChatSocketSession>(), context.RequestAborted);
        await session.RunAsync();
        return TypedResults.Empty;
    }

    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes)
        {
            return reason;
        }

        var end = reason.Length;
        while (Encoding.UTF8.GetByteCount(reason.AsSpan(0, end)) > MaxCloseReasonBytes - 3)
        {
            end--;
        }

        return string.Concat(reason.AsSpan(0, end), "…");
    }
}
