namespace Canvas.ChatApi.Generations;

/// <summary>
/// Remembers which generation a client's start request created, so the same request retried (on another tier or
/// replica, after a connection dropped before <c>meta</c> arrived) continues that answer instead of starting a second.
/// </summary>
/// <remarks>
/// A claim names the replica starting it and holds for the short time a start may take to be accepted, then is
/// confirmed for the retry window once its generation exists. So a retry that finds a claim without a generation
/// knows the first attempt is still on its way while that replica lives (it is answered busy, never given a second
/// answer), and takes the claim over once that replica is gone.
/// </remarks>
public interface IStartRequestLedger
{
    /// <summary>Records <paramref name="claim"/> for the user's <paramref name="retryKey"/> unless one is recorded already, and returns the recorded one.</summary>
    /// <param name="userId">Whose request it is; keys of different users never meet.</param>
    /// <param name="retryKey">What identifies the start request (<see cref="StartGeneration.RetryKey"/>).</param>
    /// <param name="claim">The generation this call would start, on this replica.</param>
    /// <param name="lifetime">How long the claim holds unless confirmed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<StartClaim> ClaimAsync(string userId, string retryKey, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Replaces <paramref name="stale"/> with <paramref name="claim"/>, if it is still recorded; false when another took it first.</summary>
    /// <param name="userId">Whose request it is.</param>
    /// <param name="retryKey">What identifies the start request.</param>
    /// <param name="stale">The claim of an attempt whose replica is gone.</param>
    /// <param name="claim">The generation this call would start, on this replica.</param>
    /// <param name="lifetime">How long the claim holds unless confirmed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> TakeOverAsync(string userId, string retryKey, StartClaim stale, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="claim"/> for <paramref name="lifetime"/> from now, if it is still recorded.</summary>
    /// <param name="userId">Whose request it is.</param>
    /// <param name="retryKey">What identifies the start request.</param>
    /// <param name="claim">The claim whose generation now exists.</param>
    /// <param name="lifetime">How long a retry is recognised.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task ConfirmAsync(string userId, string retryKey, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Drops <paramref name="claim"/>, if it is still recorded: its start was refused or failed before it existed.</summary>
    /// <param name="userId">Whose request it is.</param>
    /// <param name="retryKey">What identifies the start request.</param>
    /// <param name="claim">The claim whose generation will not exist.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task ReleaseAsync(string userId, string retryKey, StartClaim claim, CancellationToken cancellationToken);
}
