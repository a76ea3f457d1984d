using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Apis;

/// <summary>Gives every problem details response a PROTOCOL error <c>code</c>, including the framework's own.</summary>
internal static class ProblemCodes
{
    public static void AddMissingCode(ProblemDetailsContext context)
    {
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
}
