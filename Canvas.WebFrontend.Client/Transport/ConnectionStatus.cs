namespace Canvas.WebFrontend.Client.Transport;

/// <summary>What the connection indicator shows.</summary>
/// <param name="Tier">The tier in use (or next to be used); null when disconnected.</param>
/// <param name="PreferredTier">The agent's first tier.</param>
/// <param name="Provider">The agent's provider.</param>
/// <param name="TransportNote">The agent's one-line reason for its tiers.</param>
/// <param name="FallbackReason">Why the client is not on the preferred tier, in plain words; null when it is.</param>
public sealed record ConnectionStatus(
    TransportTier? Tier,
    TransportTier PreferredTier,
    string? Provider,
    string? TransportNote,
    string? FallbackReason)
{
    /// <summary>Gets the status before any agent is chosen.</summary>
    public static ConnectionStatus Unknown { get; } = new(TransportTier.WebSocket, TransportTier.WebSocket, null, null, null);

    /// <summary>Gets whether the tier in use is below the agent's first tier.</summary>
    public bool IsFallback => Tier is { } tier && tier != PreferredTier;

    /// <summary>Gets <c>data-tier</c>: <c>websocket</c>, <c>sse</c>, <c>rest</c> or <c>disconnected</c>.</summary>
    public string DataTier => Tier?.ToWire() ?? "disconnected";
}
