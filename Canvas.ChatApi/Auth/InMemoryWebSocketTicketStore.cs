using System.Collections.Concurrent;

namespace Canvas.ChatApi.Auth;

/// <summary>One-time WebSocket tickets kept in this process's memory, for a single ChatApi instance.</summary>
/// <param name="timeProvider">The clock that decides expiry.</param>
public sealed class InMemoryWebSocketTicketStore(TimeProvider timeProvider) : IWebSocketTicketStore
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, IssuedTicket> tickets = new(StringComparer.Ordinal);
    private long nextSweepTicks;

    /// <inheritdoc/>
    public Task StoreAsync(string ticket, WebSocketTicketGrant grant, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ticket);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        RemoveExpiredNowAndThen(now);
        tickets[ticket] = new IssuedTicket(grant, now + lifetime);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<WebSocketTicketGrant?> RedeemAsync(string ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);

        // Removing first makes redemption single-use even when two requests race with the same ticket.
        var grant = tickets.TryRemove(ticket, out var issued) && timeProvider.GetUtcNow() < issued.ExpiresAt
            ? issued.Grant
            : null;
        return Task.FromResult(grant);
    }

    // Tickets that are never redeemed would otherwise stay forever; a sweep at most once a minute bounds them.
    private void RemoveExpiredNowAndThen(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextSweepTicks, (now + SweepPeriod).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (ticket, issued) in tickets)
        {
            if (now >= issued.ExpiresAt)
            {
                tickets.TryRemove(new KeyValuePair<string, IssuedTicket>(ticket, issued));
            }
        }
    }

    private sealed record IssuedTicket(WebSocketTicketGrant Grant, DateTimeOffset ExpiresAt);
}
