namespace Canvas.ChatApi.Auth;

/// <summary>One-time WebSocket tickets, shared by all replicas so a ticket minted on one works on any.</summary>
public interface IWebSocketTicketStore
{
    /// <summary>Stores a ticket for the user that expires after <paramref name="lifetime"/>.</summary>
    Task StoreAsync(string ticket, WebSocketTicketGrant grant, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Returns the grant and removes the ticket in one step; null when unknown, used or expired.</summary>
    Task<WebSocketTicketGrant?> RedeemAsync(string ticket, CancellationToken cancellationToken);
}

/// <summary>Whom a ticket authenticates.</summary>
public sealed record WebSocketTicketGrant(string UserId, string? UserName);
