using System.Collections.Concurrent;

namespace Canvas.ChatApi.Generations;

/// <summary>The start request ledger of a single instance.</summary>
public sealed class InMemoryStartRequestLedger(TimeProvider time) : IStartRequestLedger
{
    private readonly ConcurrentDictionary<(string UserId, string RetryKey), (string GenerationId, DateTimeOffset Expires)> _claims = new();

    /// <inheritdoc/>
    public Task<string> ClaimAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (key, claim) in _claims)
        {
            if (claim.Expires <= now)
            {
                _claims.TryRemove(KeyValuePair.Create(key, claim));
            }
        }

        var recorded = _claims.GetOrAdd((userId, retryKey), (generationId, now + lifetime));
        return Task.FromResult(recorded.GenerationId);
    }
}
