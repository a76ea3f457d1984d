namespace Canvas.ChatApi.Agents;

/// <summary>The transport tiers of PROTOCOL.md.</summary>
public static class Tiers
{
    public const string WebSocket = "websocket";
    public const string Sse = "sse";
    public const string Rest = "rest";

    /// <summary>Every tier, best first.</summary>
    public static readonly IReadOnlyList<string> All = [WebSocket, Sse, Rest];

    /// <summary>Whether <paramref name="value"/> names a tier.</summary>
    public static bool IsKnown(string? value) => value is WebSocket or Sse or Rest;
}
