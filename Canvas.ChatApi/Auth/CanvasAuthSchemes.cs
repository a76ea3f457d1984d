namespace Canvas.ChatApi.Auth;

/// <summary>The authentication schemes of the chat API.</summary>
public static class CanvasAuthSchemes
{
    /// <summary>The default scheme, which picks one of the others per request.</summary>
    public const string Default = "Canvas";

    /// <summary>JWT bearer tokens, configured from <c>Authentication:Schemes:Bearer</c>.</summary>
    public const string Jwt = "Bearer";

    /// <summary>API tokens of machine clients (<c>Authorization: Bearer cnv_…</c>).</summary>
    public const string ApiToken = "ApiToken";

    /// <summary>One-time WebSocket tickets in <c>?ticket=</c>.</summary>
    public const string Ticket = "Ticket";

    /// <summary>The prefix that tells an API token from a JWT.</summary>
    public const string ApiTokenPrefix = "cnv_";

    /// <summary>The query parameter carrying a WebSocket ticket.</summary>
    public const string TicketParameter = "ticket";
}
