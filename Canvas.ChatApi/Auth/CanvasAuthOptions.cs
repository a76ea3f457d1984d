namespace Canvas.ChatApi.Auth;

/// <summary>Canvas's own token settings, bound from <c>Canvas:Auth</c>; the standard JWT settings stay under <c>Authentication:Schemes:Bearer</c>.</summary>
public sealed class CanvasAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Canvas:Auth";

    /// <summary>
    /// Gets or sets the HS256 key (at least 32 characters) that the web frontend signs its users' tokens with.
    /// The default is none: only the keys under <c>Authentication:Schemes:Bearer:SigningKeys</c> are trusted.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Gets or sets the issuer of tokens signed with <see cref="SigningKey"/>. The default is <c>canvas-web</c>.</summary>
    public string Issuer { get; set; } = "canvas-web";

    /// <summary>Gets or sets the audience of tokens signed with <see cref="SigningKey"/>. The default is <c>canvas-chatapi</c>.</summary>
    public string Audience { get; set; } = "canvas-chatapi";

    /// <summary>Gets or sets how long a WebSocket ticket stays valid. The default is 30 seconds; at most 60.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the API tokens of machine clients. The default is none.</summary>
    public List<ApiTokenOptions> ApiTokens { get; } = [];
}

/// <summary>One API token, stored only as its SHA-256 hash.</summary>
public sealed class ApiTokenOptions
{
    /// <summary>Gets or sets the user the token acts as.</summary>
    public string UserId { get; set; } = "";

    /// <summary>Gets or sets a name for people reading the configuration. The default is none.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the lowercase hex SHA-256 of the token (which starts with <c>cnv_</c>).</summary>
    public string Sha256 { get; set; } = "";
}
