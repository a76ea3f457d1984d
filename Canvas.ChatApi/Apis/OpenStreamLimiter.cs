using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Limits how many streams one user holds open at once (<see cref="ChatLimitsOptions.MaxOpenStreamsPerUser"/>), on
/// all replicas together when Redis is configured (<see cref="IOpenStreamStore"/>): SSE answers and resumes, REST
/// answers being waited for, and WebSockets (however many answers each carries).
/// </summary>
/// <param name="store">Where the open streams are counted.</param>
/// <param name="limits">The limit.</param>
public sealed class OpenStreamLimiter(IOpenStreamStore store, IOptions<ChatLimitsOptions> limits)
{
    /// <summary>The wait a refused client is told: any of its streams may end at any moment.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Gets the refusal a client over the limit gets.</summary>
    public ChatRequestError Refusal => new(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
        $"Too many open streams; a user may have {limits.Value.MaxOpenStreamsPerUser} at once. Close one, or resume on a WebSocket, which carries many.")
    {
        RetryAfter = RetryAfter,
    };

    /// <summary>Opens one stream for the user; disposing the result closes it. Null when the user is at the limit.</summary>
    public ValueTask<IDisposable?> TryOpenAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return store.TryOpenAsync(userId, limits.Value.MaxOpenStreamsPerUser, cancellationToken);
    }
}
