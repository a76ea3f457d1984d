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
    // KEYS: claim. ARGV: generation id, lifetime ms. Keeps the claim longer only while it is that generation's.
    private const string ConfirmScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    // KEYS: claim. ARGV: generation id. Drops the claim only while it is that generation's.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <inheritdoc/>
    public async Task<string> ClaimAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase();
        var key = KeyOf(userId, retryKey);

        // A claim that expires between the two calls is claimed again, so the answer is always a claim Redis held.
        while (true)
        {
            if (await database.StringSetAsync(key, generationId, lifetime, When.NotExists).WaitAsync(cancellationToken))
            {
                return generationId;
            }

            if ((string?)await database.StringGetAsync(key).WaitAsync(cancellationToken) is { } held)
            {
                return held;
            }
        }
    }

    /// <inheritdoc/>
    public async Task ConfirmAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken) =>
        await connection.GetDatabase().ScriptEvaluateAsync(ConfirmScript, [KeyOf(userId, retryKey)], [generationId, (long)lifetime.TotalMilliseconds])
            .WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task ReleaseAsync(string userId, string retryKey, string generationId, CancellationToken cancellationToken) =>
        await connection.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [KeyOf(userId, retryKey)], [generationId])
            .WaitAsync(cancellationToken);

    // Hashed with the user, so the key is bounded and says nothing about either.
    private RedisKey KeyOf(string userId, string retryKey) =>
        $"{options.Value.KeyPrefix}:start:{Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{retryKey}")))}";
}
