using System.Collections.Concurrent;

namespace Canvas.ChatApi.Generations;

/// <summary>The start request ledger of a single instance.</summary>
public sealed class InMemoryStartRequestLedger(TimeProvider time) : IStartRequestLedger
{
    private readonly ConcurrentDictionary<(string UserId, string RetryKey), Claim> _claims = new();

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

        return Task.FromResult(_claims.GetOrAdd((userId, retryKey), new Claim(generationId, now + lifetime)).GenerationId);
    }

    /// <inheritdoc/>
    public Task ConfirmAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var key = (userId, retryKey);
        if (_claims.TryGetValue(key, out var claim) && claim.GenerationId == generationId)
        {
            _claims.TryUpdate(key, claim with { Expires = time.GetUtcNow() + lifetime }, claim);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(string userId, string retryKey, string generationId, CancellationToken cancellationToken)
    {
        var key = (userId, retryKey);
        if (_claims.TryGetValue(key, out var claim) && claim.GenerationId == generationId)
        {
            _claims.TryRemove(KeyValuePair.Create(key, claim));
        }

        return Task.CompletedTask;
    }

    private sealed record Claim(string GenerationId, DateTimeOffset Expires);
}
