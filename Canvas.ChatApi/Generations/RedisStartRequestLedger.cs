using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Canvas.ChatApi.Backplane;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Generations;

/// <summary>The start request ledger in Redis: one <c>SET NX</c> decides, across replicas, which start wins.</summary>
public sealed class RedisStartRequestLedger(IConnectionMultiplexer connection, IOptions<BackplaneOptions> options) : IStartRequestLedger
{
    // KEYS: claim. ARGV: expected claim, new claim ('' keeps it), lifetime ms ('' drops it). Changes the claim only
    // while it is the expected one; returns 1 when it did.
    private const string ReplaceScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if ARGV[3] == '' then redis.call('DEL', KEYS[1]) return 1 end
        if ARGV[2] == '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    /// <inheritdoc/>
    public async Task<StartClaim> ClaimAsync(string userId, string retryKey, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase();
        var key = KeyOf(userId, retryKey);

        // A claim that expires between the two calls is claimed again, so the answer is always a claim Redis held.
        while (true)
        {
            if (await database.StringSetAsync(key, claim.Encode(), lifetime, When.NotExists).WaitAsync(cancellationToken))
            {
                return claim;
            }

            if ((string?)await database.StringGetAsync(key).WaitAsync(cancellationToken) is { } held)
            {
                return StartClaim.Decode(held);
            }
        }
    }

    /// <inheritdoc/>
    public Task<bool> TakeOverAsync(string userId, string retryKey, StartClaim stale, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken) =>
        ReplaceAsync(userId, retryKey, stale, claim.Encode(), Milliseconds(lifetime), cancellationToken);

    /// <inheritdoc/>
    public Task ConfirmAsync(string userId, string retryKey, StartClaim claim, TimeSpan lifetime, CancellationToken cancellationToken) =>
        ReplaceAsync(userId, retryKey, claim, "", Milliseconds(lifetime), cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseAsync(string userId, string retryKey, StartClaim claim, CancellationToken cancellationToken) =>
        ReplaceAsync(userId, retryKey, claim, "", "", cancellationToken);

    private async Task<bool> ReplaceAsync(string userId, string retryKey, StartClaim expected, string replacement, string lifetimeMs,
        CancellationToken cancellationToken) =>
        (long)await connection.GetDatabase().ScriptEvaluateAsync(ReplaceScript, [KeyOf(userId, retryKey)], [expected.Encode(), replacement, lifetimeMs])
            .WaitAsync(cancellationToken) == 1;

    private static string Milliseconds(TimeSpan lifetime) => ((long)lifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Hashed with the user, so the key is bounded and says nothing about either.
    private RedisKey KeyOf(string userId, string retryKey) =>
        $"{options.Value.KeyPrefix}:start:{Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{retryKey}")))}";
}
