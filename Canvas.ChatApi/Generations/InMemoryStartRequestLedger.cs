using System.Collections.Concurrent;

namespace Canvas.ChatApi.Generations;

/// <summary>The start request ledger of a single instance.</summary>
public sealed class InMemoryStartRequestLedger(TimeProvider time) : IStartRequestLedger
{
    private readonly ConcurrentDictionary<(string UserId, string RetryKey), Entry> _claims = new();

    /// <inheritdoc/>
    public Task<StartClaim> ClaimAsync(string userId, string retryKey, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _claims)
        {
            if (entry.Expires <= now)
            {
                _claims.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        return Task.FromResult(_claims.GetOrAdd((userId, retryKey), new Entry(claim, now + lifetime)).Claim);
    }

    /// <inheritdoc/>
    public Task<bool> TakeOverAsync(string userId, string retryKey, StartClaim stale, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken) =>
        Task.FromResult(Replace(userId, retryKey, stale, entry => entry with { Claim = claim, Expires = time.GetUtcNow() + lifetime }));

    /// <inheritdoc/>
    public Task ConfirmAsync(string userId, string retryKey, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        Replace(userId, retryKey, claim, entry => entry with { Expires = time.GetUtcNow() + lifetime });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(string userId, string retryKey, StartClaim claim, CancellationToken cancellationToken)
    {
        if (_claims.TryGetValue((userId, retryKey), out var entry) && entry.Claim == claim)
        {
            _claims.TryRemove(KeyValuePair.Create((userId, retryKey), entry));
        }

        return Task.CompletedTask;
    }

    private bool Replace(string userId, string retryKey, StartClaim expected, Func<Entry, Entry> change) =>
        _claims.TryGetValue((userId, retryKey), out var entry) && entry.Claim == expected
        && _claims.TryUpdate((userId, retryKey), change(entry), entry);

    private sealed record Entry(StartClaim Claim, DateTimeOffset Expires);
}
