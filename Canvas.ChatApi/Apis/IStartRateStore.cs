namespace Canvas.ChatApi.Apis;

/// <summary>
/// Where the per-user buckets of <see cref="ChatStartLimiter"/> live: in Redis when it is configured, so every
/// replica counts against the same bucket, otherwise in this process.
/// </summary>
/// <remarks>
/// Both keep one number per user, the generic cell rate algorithm's theoretical arrival time (RFC 2508's "GCRA", as
/// used by most API gateways): a user may take <c>burst</c> starts at once and then one per <c>interval</c>.
/// </remarks>
public interface IStartRateStore
{
    /// <summary>Takes one start from the user's bucket.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="interval">How often the bucket gains a start.</param>
    /// <param name="burst">How many starts the bucket holds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Null when the start was taken; otherwise how long until the bucket has one.</returns>
    ValueTask<TimeSpan?> TryTakeAsync(string userId, TimeSpan interval, int burst, CancellationToken cancellationToken);
}
