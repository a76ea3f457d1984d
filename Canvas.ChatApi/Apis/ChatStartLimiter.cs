using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Limits how fast one user starts answers, the same on every tier and across replicas: a bucket per user (in
/// <see cref="IStartRateStore"/>) that holds <see cref="ChatLimitsOptions.StartsPerMinute"/> starts and refills at
/// that rate.
/// </summary>
/// <param name="store">Where the buckets live.</param>
/// <param name="limits">The limit.</param>
public sealed class ChatStartLimiter(IStartRateStore store, IOptions<ChatLimitsOptions> limits)
{
    /// <summary>Takes one start from the user's bucket, or returns the refusal to send, with the wait.</summary>
    public async ValueTask<ChatRequestError?> TryStartAsync(string userId, CancellationToken cancellationToken)
    {
        var perMinute = limits.Value.StartsPerMinute;
        if (await store.TryTakeAsync(userId, TimeSpan.FromMinutes(1) / perMinute, perMinute, cancellationToken) is not { } wait)
        {
            return null;
        }

        return new ChatRequestError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"Too many answers started; the limit is {perMinute} per minute. Try again in {Math.Ceiling(wait.TotalSeconds)} s.")
        {
            RetryAfter = wait,
        };
    }
}
