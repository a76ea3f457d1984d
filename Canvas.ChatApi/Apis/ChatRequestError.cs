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

    /// <summary>How long a client waits before asking again when the storage failed transiently.</summary>
    public static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A request the server could not take now: a start when too many wait, or any request whose storage failed in a
    /// way that passes (Redis restarting, a Cluster answering <c>CLUSTERDOWN</c>, a command timing out).
    /// </summary>
    public static ChatRequestError Busy(TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServerBusy, "The server cannot take this request now; try again shortly.")
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
            // As on a WebSocket: a refusal that says when to ask again is retryable.
            all["retryable"] = true;
            all[RetryAfterMsExtension] = (long)Math.Ceiling(wait.TotalMilliseconds);
        }

        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            all[key] = value;
        }

        return TypedResults.Problem(detail: Message, statusCode: Status, extensions: all);
    }
}
