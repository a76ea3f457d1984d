namespace Canvas.ChatApi.Generations;

/// <summary>
/// Remembers which generation a client's start request created, so the same request retried (on another tier or
/// replica, after a connection dropped before <c>meta</c> arrived) continues that answer instead of starting a second.
/// </summary>
public interface IStartRequestLedger
{
    /// <summary>
    /// Records <paramref name="generationId"/> for the user's <paramref name="retryKey"/> unless one is recorded already,
    /// and returns the recorded one: <paramref name="generationId"/> when this call claimed the request.
    /// </summary>
    /// <param name="userId">Whose request it is; keys of different users never meet.</param>
    /// <param name="retryKey">What identifies the start request (<see cref="StartGeneration.RetryKey"/>).</param>
    /// <param name="generationId">The generation this call would start.</param>
    /// <param name="lifetime">How long a retry is recognised.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<string> ClaimAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken);
}
