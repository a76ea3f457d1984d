namespace Canvas.WebFrontend.Client.Transport;

/// <summary>A way an answer travels from the chat API to the browser, best first.</summary>
public enum TransportTier
{
    /// <summary>One socket reused across answers; cancel goes over the same socket.</summary>
    WebSocket,

    /// <summary>Server-sent events over fetch streaming, resumable by the last <c>seq</c>.</summary>
    Sse,

    /// <summary><c>POST /api/chat</c>, the whole answer at once, with progress by polling.</summary>
    Rest,
}

/// <summary>The wire names of <see cref="TransportTier"/> (PROTOCOL.md, "Tier").</summary>
public static class TransportTiers
{
    /// <summary>Gets the wire name: <c>websocket</c>, <c>sse</c> or <c>rest</c>.</summary>
    /// <param name="tier">The tier.</param>
    /// <returns>The wire name.</returns>
    public static string ToWire(this TransportTier tier) => tier switch
    {
        TransportTier.WebSocket => "websocket",
        TransportTier.Sse => "sse",
        _ => "rest",
    };

    /// <summary>Parses a wire name; null for a tier this client does not know.</summary>
    /// <param name="wire">The wire name.</param>
    /// <returns>The tier, or null.</returns>
    public static TransportTier? Parse(string? wire) => wire?.ToLowerInvariant() switch
    {
        "websocket" => TransportTier.WebSocket,
        "sse" => TransportTier.Sse,
        "rest" => TransportTier.Rest,
        _ => null,
    };

    /// <summary>Gets an agent's tiers in its order, skipping names this client does not know.</summary>
    /// <param name="wireNames">The agent's <c>transports</c>.</param>
    /// <returns>The tiers; never empty (REST when the agent lists none this client knows).</returns>
    public static IReadOnlyList<TransportTier> FromWire(IEnumerable<string> wireNames)
    {
        var tiers = wireNames.Select(Parse).OfType<TransportTier>().Distinct().ToList();
        return tiers.Count > 0 ? tiers : [TransportTier.Rest];
    }
}
