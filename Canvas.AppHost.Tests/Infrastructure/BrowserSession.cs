using System.Net;
using System.Net.WebSockets;

namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// One browser tab on WebFrontend, talking to it as the Blazor client does: the page load gives it the anonymous
/// identity cookie <c>canvas.id</c>, every <c>/api</c> call carries that cookie (WebFrontend mints the ChatApi token
/// itself and ignores any <c>Authorization</c> a browser sends), and the chat WebSocket is opened with the page's
/// <c>Origin</c>, without which WebFrontend refuses the upgrade.
/// </summary>
public sealed class BrowserSession : IDisposable
{
    /// <summary>The cookie WebFrontend keeps the anonymous user id in.</summary>
    public const string IdentityCookie = "canvas.id";

    private BrowserSession(Uri address, CookieContainer cookies, HttpClient http)
    {
        Address = address;
        Cookies = cookies;
        Http = http;
    }

    /// <summary>Gets WebFrontend's address as the browser sees it.</summary>
    public Uri Address { get; }

    /// <summary>Gets the page's origin, e.g. <c>http://localhost:5080</c>.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the tab's cookie jar.</summary>
    public CookieContainer Cookies { get; }

    /// <summary>Gets a client that sends the tab's cookies, with WebFrontend as base address.</summary>
    public HttpClient Http { get; }

    /// <summary>Loads the page, which signs the new tab in as an anonymous user.</summary>
    /// <param name="address">WebFrontend's address.</param>
    /// <param name="timeout">How long the page load may take.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    public static async Task<BrowserSession> OpenAsync(Uri address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = address, Timeout = timeout };
        var session = new BrowserSession(address, cookies, http);

        using var page = await http.GetAsync("/", cancellationToken).WaitAsync(timeout, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(cookies.GetCookies(address), cookie => cookie.Name == IdentityCookie);
        return session;
    }

    /// <summary>Opens <c>/api/chat/ws</c> the way the page does: same origin, the tab's cookies, no ticket.</summary>
    /// <param name="timeout">How long the handshake may take.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    public async Task<ClientWebSocket> ConnectChatSocketAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.Cookies = Cookies;
        socket.Options.SetRequestHeader("Origin", Origin);
        var uri = new UriBuilder(Address) { Scheme = Address.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "/api/chat/ws" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).WaitAsync(timeout, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Http.Dispose();
}
