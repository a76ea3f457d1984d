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

    /// <summary>A start the server could not take now (too many at once, or its storage did not answer in time).</summary>
    public static ChatRequestError Busy(TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServerBusy, "The server is too busy to start this answer now; try again shortly.")
        {
            RetryAfter = retryAfter,
        };

    /// <summary>Why a start could not cut its conversation at <paramref name="editMessageId"/>.</summary>
    public static ChatRequestError EditRefused(EditRefusal refusal, string editMessageId) => refusal switch
    {
        EditRefusal.NoSuchMessage => new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest,
            $"editMessageId '{editMessageId}' is not a message of this conversation."),
        EditRefusal.NotAUserMessage => new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest,
            $"editMessageId '{editMessageId}' is an assistant message; name the user message to answer again."),
        _ => new(StatusCodes.Status409Conflict, ErrorCodes.ConversationBusy,
            "The conversation is still answering; stop or wait for that answer before editing or regenerating."),
    };

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
