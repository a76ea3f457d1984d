using Canvas.ChatApi.Auth;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Counts a streaming endpoint's request against <see cref="OpenStreamLimiter"/> for as long as the response lasts,
/// and refuses it with 429 and <c>Retry-After</c> when the user is at the limit.
/// </summary>
/// <param name="limiter">The per-user counts.</param>
internal sealed class OpenStreamLimitFilter(OpenStreamLimiter limiter) : IEndpointFilter
{
    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await limiter.TryOpenAsync(http.User.GetUserId(), http.RequestAborted) is not { } stream)
        {
            return limiter.Refusal.ToProblem();
        }

        // Disposed when the request ends, after the stream was written to its end.
        http.Response.RegisterForDispose(stream);
        return await next(context);
    }
}
