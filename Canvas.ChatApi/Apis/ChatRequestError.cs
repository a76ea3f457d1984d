using Canvas.ChatApi.Generations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// A refused request, the same whichever tier it came on: problem details over HTTP, an <c>error</c> message
/// on a WebSocket.
/// </summary>
public sealed record ChatRequestError(int Status, string Code, string Message)
{
    /// <summary>The problem details extension carrying <see cref="RetryAfter"/>, as the <c>error</c> event's field.</summary>
    public const string RetryAfterMsExtension = "retryAfterMs";

    /// <summary>Gets how long the client should wait before trying again, when that is known.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ChatRequestError NotFound(string what) =>
        new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"There is no {what} with that id.");

    /// <summary>Gets the error as problem details, with the PROTOCOL error <c>code</c> as an extension.</summary>
    public ProblemHttpResult ToProblem(IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?> { ["code"] = Code };
        if (RetryAfter is { } wait)
        {
            all[RetryAfterMsExtension] = (long)Math.Ceiling(wait.TotalMilliseconds);
        }

        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            all[key] = value;
        }

        return TypedResults.Problem(detail: Message, statusCode: Status, extensions: all);
    }
}
