namespace Canvas.ChatApi.Generations;

/// <summary>
/// Remembers which generation a client's start request created, so the same request retried (on another tier or
/// replica, after a connection dropped before <c>meta</c> arrived) continues that answer instead of starting a second.
/// </summary>
/// <remarks>
/// A claim is made for the short time a start may take to be accepted, then confirmed for the retry window once its
/// generation exists. So a retry that finds a claim without a generation knows the first attempt is still on its way
/// (it waits, and is answered busy, never given a second answer), and a first attempt that died before it was
/// accepted holds the request no longer than that short time.
/// </remarks>
public interface IStartRequestLedger
{
    /// <summary>
    /// Records <paramref name="generationId"/> for the user's <paramref name="retryKey"/> unless one is recorded already,
    /// and returns the recorded one: <paramref name="generationId"/> when this call claimed the request.
    /// </summary>
    /// <param name="userId">Whose request it is; keys of different users never meet.</param>
    /// <param name="retryKey">What identifies the start request (<see cref="StartGeneration.RetryKey"/>).</param>
    /// <param name="generationId">The generation this call would start.</param>
    /// <param name="lifetime">How long the claim holds unless confirmed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<string> ClaimAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Keeps the claim for <paramref name="lifetime"/> from now, if it is still <paramref name="generationId"/>'s.</summary>
    /// <param name="userId">Whose request it is.</param>
    /// <param name="retryKey">What identifies the start request.</param>
    /// <param name="generationId">The generation that now exists.</param>
    /// <param name="lifetime">How long a retry is recognised.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task ConfirmAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Drops the claim, if it is still <paramref name="generationId"/>'s: its start was refused or failed before it existed.</summary>
    /// <param name="userId">Whose request it is.</param>
    /// <param name="retryKey">What identifies the start request.</param>
    /// <param name="generationId">The generation that will not exist.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task ReleaseAsync(string userId, string retryKey, string generationId, CancellationToken cancellationToken);
}
