namespace Canvas.WebFrontend.Auth;

/// <summary>
/// How the frontend signs the short-lived JWTs it attaches to proxied requests (configuration section
/// <c>Canvas:Auth</c>). The chat API validates them with the same key, issuer and audience.
/// </summary>
public sealed class ChatApiTokenOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Canvas:Auth";

    /// <summary>The shortest signing key accepted: 256 bits for HS256.</summary>
    public const int MinimumSigningKeyLength = 32;

    /// <summary>
    /// Gets or sets the HS256 signing key (<c>Canvas:Auth:SigningKey</c>); its UTF-8 bytes are the key. Required,
    /// at least 32 characters. There is no default.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>Gets or sets the token issuer (<c>Canvas:Auth:Issuer</c>). The default is <c>canvas-web</c>.</summary>
    public string Issuer { get; set; } = "canvas-web";

    /// <summary>Gets or sets the token audience (<c>Canvas:Auth:Audience</c>). The default is <c>canvas-chatapi</c>.</summary>
    public string Audience { get; set; } = "canvas-chatapi";

    /// <summary>Gets or sets how long a token is valid (<c>Canvas:Auth:TokenLifetime</c>). The default is five minutes.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long before its expiry a cached token is replaced (<c>Canvas:Auth:RenewBefore</c>), so a
    /// request never leaves with a token about to expire. The default is one minute.
    /// </summary>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromMinutes(1);
}
