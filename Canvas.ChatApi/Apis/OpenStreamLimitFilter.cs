using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Capacity;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Counts a streaming endpoint's request against <see cref="OpenStreamLimiter"/> for as long as the response lasts,
/// and refuses it with 429 and <c>Retry-After</c> when the user is at the limit; with 503 <c>server_busy</c> when the
/// instance has no descriptor left for it (<see cref="InstanceCapacity"/>).
/// </summary>
/// <param name="limiter">The per-user counts.</param>
/// <param name="capacity">What the instance carries.</param>
internal sealed class OpenStreamLimitFilter(OpenStreamLimiter limiter, InstanceCapacity capacity) : IEndpointFilter
{
    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!capacity.HasRoomForStream)
        {
            // Its connection is the descriptor too many: closed once the refusal is written.
            http.Response.Headers.Connection = "close";
            return InstanceCapacity.Refusal.ToProblem();
        }

        if (await limiter.TryOpenAsync(http.User.GetUserId(), http.RequestAborted) is not { } stream)
        {
            return limiter.Refusal.ToProblem();
        }

        // Disposed when the request ends, after the stream was written to its end.
        http.Response.RegisterForDispose(stream);
        return await next(context);
    }
}
