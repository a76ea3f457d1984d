namespace Canvas.WebFrontend.Proxy;

/// <summary>How the frontend proxies <c>/api</c> to the chat API (configuration section <c>Canvas:Proxy</c>).</summary>
public sealed class ChatApiProxyOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Canvas:Proxy";

    /// <summary>
    /// Gets or sets the longest silence allowed on a proxied request or WebSocket before the proxy gives up on
    /// it (YARP's <c>ActivityTimeout</c>). It is an idle limit, never a limit on a whole stream: the chat API
    /// sends an SSE keep-alive at least every 15 seconds. The default is five minutes.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets further origins (<c>https://chat.example.com</c>) allowed to open WebSockets, for when a
    /// TLS-terminating proxy in front of the frontend changes the scheme or host it sees. The frontend's own
    /// origin is always allowed. The default is none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
