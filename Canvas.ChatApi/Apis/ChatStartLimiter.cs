using System.Threading.RateLimiting;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Limits how fast one user starts answers, the same on every tier: a token bucket per user that allows a burst of
/// <see cref="ChatLimitsOptions.StartsPerMinute"/> starts and refills at that rate.
/// </summary>
/// <remarks>Counted per replica; behind N replicas a user can start up to N times as many.</remarks>
public sealed class ChatStartLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly int _perMinute;

    public ChatStartLimiter(IOptions<ChatLimitsOptions> limits)
    {
        _perMinute = limits.Value.StartsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = _perMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / _perMinute,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one start from the user's bucket, or returns the refusal to send.</summary>
    public ChatRequestError? TryStart(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? $" Try again in {Math.Ceiling(retryAfter.TotalSeconds)} s." : "";
        return new ChatRequestError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, $"Too many answers started; the limit is {_perMinute} per minute.{wait}");
    }

    public void Dispose() => _limiter.Dispose();
}
