using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Apis;

/// <summary>Gives every problem details response a PROTOCOL error <c>code</c>, including the framework's own.</summary>
internal static class ProblemCodes
{
    public static void AddMissingCode(ProblemDetailsContext context)
    {
        // The framework refuses a body that is not JSON with a bare 415 (or an exception when there is no Content-Type
        // at all, which BadRequestProblemHandler words the same way).
        if (context.ProblemDetails is { Status: StatusCodes.Status415UnsupportedMediaType, Detail: null })
        {
            context.ProblemDetails.Detail = UnsupportedMediaType(context.HttpContext.Request);
        }

        context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
        {
            StatusCodes.Status401Unauthorized => ErrorCodes.Unauthorized,
            StatusCodes.Status404NotFound => ErrorCodes.NotFound,
            StatusCodes.Status413PayloadTooLarge => ErrorCodes.RequestTooLarge,
            StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
            >= StatusCodes.Status500InternalServerError => ErrorCodes.Internal,
            _ => ErrorCodes.BadRequest,
        });
    }

    /// <summary>What a request whose body is not declared as JSON is told.</summary>
    public static string UnsupportedMediaType(HttpRequest request) =>
        $"The body must be JSON sent with Content-Type: application/json; this request has {(string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type: {request.ContentType}")}.";
}
