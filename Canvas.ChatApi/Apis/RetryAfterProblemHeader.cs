namespace Canvas.ChatApi.Apis;

/// <summary>
/// Gives a problem details response that carries <c>retryAfterMs</c> the standard <c>Retry-After</c> header too
/// (RFC 9110 §10.2.3, whole seconds, rounded up), for clients and proxies that read only the header.
/// </summary>
internal static class RetryAfterProblemHeader
{
    public static void Add(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Extensions.TryGetValue(ChatRequestError.RetryAfterMsExtension, out var value)
            && value is long milliseconds and >= 0)
        {
            context.HttpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(milliseconds / 1000.0)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
