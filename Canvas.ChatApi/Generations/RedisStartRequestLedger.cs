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
    /// <inheritdoc/>
    public async Task<string> ClaimAsync(string userId, string retryKey, string generationId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase();
        // Hashed with the user, so the key is bounded and says nothing about either.
        var key = (RedisKey)$"{options.Value.KeyPrefix}:start:{Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{retryKey}")))}";
        if (await database.StringSetAsync(key, generationId, lifetime, When.NotExists).WaitAsync(cancellationToken))
        {
            return generationId;
        }

        return (string?)await database.StringGetAsync(key).WaitAsync(cancellationToken) ?? generationId;
    }
}
