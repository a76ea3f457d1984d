using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Auth;

/// <summary>
/// One-time WebSocket tickets in Redis, so a ticket minted on one replica is redeemed on any. Redemption is a
/// single GETDEL, which makes a ticket single-use across replicas; the key's expiry is the ticket's lifetime.
/// </summary>
/// <remarks>
/// The key holds a SHA-256 of the ticket, never the ticket itself: a ticket read from Redis (a key listing, a
/// slow log) cannot be redeemed.
/// </remarks>
public sealed class RedisWebSocketTicketStore : IWebSocketTicketStore
{
    private readonly IConnectionMultiplexer connection;
    private readonly string prefix;

    /// <summary>Creates the store over the shared multiplexer.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">Supplies the key prefix.</param>
    public RedisWebSocketTicketStore(IConnectionMultiplexer connection, IOptions<BackplaneOptions> options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        this.connection = connection;
        prefix = options.Value.KeyPrefix;
    }

    /// <inheritdoc/>
    public async Task StoreAsync(string ticket, WebSocketTicketGrant grant, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ticket);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var json = JsonSerializer.SerializeToUtf8Bytes(grant, CanvasJsonContext.Default.WebSocketTicketGrant);
        await connection.GetDatabase().StringSetAsync(KeyOf(ticket), json, lifetime)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<WebSocketTicketGrant?> RedeemAsync(string ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var json = await connection.GetDatabase().StringGetDeleteAsync(KeyOf(ticket))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return json.IsNull
            ? null
            : JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)json).Span, CanvasJsonContext.Default.WebSocketTicketGrant);
    }

    private RedisKey KeyOf(string ticket)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ticket));
        return $"{prefix}:ticket:{Base64Url.EncodeToString(hash)}";
    }
}
