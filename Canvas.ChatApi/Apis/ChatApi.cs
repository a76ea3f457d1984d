using System.Security.Claims;
using System.Text;
using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Streaming;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary><c>/api/chat</c>: start an answer over SSE or REST, or get a WebSocket ticket.</summary>
public static class ChatApi
{
    /// <summary>The header a client sends when it fell back from a better tier.</summary>
    public const string FallbackHeader = "X-Canvas-Fallback-From";

    /// <summary>
    /// The header (IETF draft "The Idempotency-Key HTTP Header Field") that makes a start retryable: the same key, on
    /// any tier and replica, continues the answer the first attempt started. The WebSocket <c>start</c> message carries
    /// it as <c>idempotencyKey</c>.
    /// </summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ChatLimitsOptions>>().Value;
        var api = app.MapGroup("/api/chat").WithTags("Chat").RequireAuthorization()
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBodyBytes));

        api.MapPost("/sse", StartSse).WithSummary("Start an answer, streamed as Server-Sent Events.")
            .AddEndpointFilter<OpenStreamLimitFilter>();
        api.MapPost("", StartRest).WithSummary("Start an answer, returned whole when it is done (REST tier).")
            .AddEndpointFilter<OpenStreamLimitFilter>();
        api.MapPost("/ws-ticket", CreateWebSocketTicket).WithSummary("A one-time ticket for GET /api/chat/ws?ticket=.");
        api.MapChatSocket();
        return api;
    }

    public static async Task<Results<GenerationSseResult, ProblemHttpResult>> StartSse(
        StartChatRequest request, [FromHeader(Name = FallbackHeader)] string? fallbackFrom,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        ChatServices services, CancellationToken cancellationToken)
    {
        var scope = services.Telemetry.StartRequest("chat", Tiers.Sse, fallbackFrom);
        var (meta, error) = await services.StartAsync(
            scope, user.GetUserId(), request.AgentId, request.ConversationId, request.Message, Tiers.Sse, idempotencyKey,
            request.EditMessageId, cancellationToken);
        if (meta is null)
        {
            scope.Dispose();
            return error!.ToProblem();
        }

        return new GenerationSseResult(
            services.ReadAsync(meta.GenerationId, afterSeq: -1, cancellationToken), scope, services.Limits);
    }

    public static async Task<Results<Ok<ChatRestResponse>, ProblemHttpResult>> StartRest(
        StartChatRequest request, [FromHeader(Name = FallbackHeader)] string? fallbackFrom,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        ChatServices services, CancellationToken cancellationToken)
    {
        using var scope = services.Telemetry.StartRequest("chat", Tiers.Rest, fallbackFrom);
        var (meta, error) = await services.StartAsync(
            scope, user.GetUserId(), request.AgentId, request.ConversationId, request.Message, Tiers.Rest, idempotencyKey,
            request.EditMessageId, cancellationToken);
        if (meta is null)
        {
            return error!.ToProblem();
        }

        var text = new StringBuilder();
        StringBuilder? reasoning = null;
        await foreach (var generationEvent in services.ReadAsync(meta.GenerationId, afterSeq: -1, cancellationToken))
        {
            scope.OnDelivered(generationEvent);
            switch (generationEvent)
            {
                case DeltaEvent delta:
                    text.Append(delta.Text);
                    break;
                case ReasoningEvent thought:
                    (reasoning ??= new StringBuilder()).Append(thought.Text);
                    break;
                case DoneEvent done:
                    return TypedResults.Ok(new ChatRestResponse(
                        meta.GenerationId, meta.ConversationId, text.ToString(), done.FinishReason, done.Usage, reasoning?.ToString()));
                case ErrorEvent failed:
                    return FailedGeneration(failed, meta, text.ToString());
            }
        }

        throw new InvalidOperationException($"The log of generation {meta.GenerationId} ended without a terminal event.");
    }

    public static async Task<Ok<WebSocketTicketResponse>> CreateWebSocketTicket(
        ClaimsPrincipal user, IWebSocketTicketStore tickets, IOptions<CanvasAuthOptions> auth, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var lifetime = auth.Value.TicketLifetime;
        var ticket = Ids.NewTicket();
        await tickets.StoreAsync(ticket, new WebSocketTicketGrant(user.GetUserId(), user.Identity?.Name), lifetime, cancellationToken);
        return TypedResults.Ok(new WebSocketTicketResponse(ticket, time.GetUtcNow() + lifetime));
    }

    private static ProblemHttpResult FailedGeneration(ErrorEvent failed, MetaEvent meta, string partialText)
    {
        var status = failed.Code switch
        {
            ErrorCodes.UpstreamRateLimited => StatusCodes.Status429TooManyRequests,
            ErrorCodes.UpstreamTimeout => StatusCodes.Status504GatewayTimeout,
            ErrorCodes.UpstreamUnavailable or ErrorCodes.GenerationLost => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status502BadGateway,
        };
        var extensions = new Dictionary<string, object?>
        {
            ["retryable"] = failed.Retryable,
            ["generationId"] = meta.GenerationId,
            ["conversationId"] = meta.ConversationId,
            ["text"] = partialText,
        };
        if (failed.RetryAfterMs is { } retryAfter)
        {
            extensions["retryAfterMs"] = retryAfter;
        }

        return new ChatRequestError(status, failed.Code, failed.Message).ToProblem(extensions);
    }
}
