namespace Canvas.ChatApi.Apis;

/// <summary>
/// Where <see cref="OpenStreamLimiter"/> counts each user's open streams: in Redis when it is configured, so the
/// limit holds across replicas, otherwise in this process.
/// </summary>
public interface IOpenStreamStore
{
    /// <summary>Opens one stream for the user unless they already hold <paramref name="max"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="max">How many streams the user may hold at once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open stream (disposing it closes it), or null when the user is at the limit.</returns>
    ValueTask<IDisposable?> TryOpenAsync(string userId, int max, CancellationToken cancellationToken);
}
