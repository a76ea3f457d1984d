using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Auth;

/// <summary>Authenticates a WebSocket upgrade by a one-time ticket, redeemed (and so spent) on first use.</summary>
internal sealed class WebSocketTicketHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IWebSocketTicketStore tickets) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var ticket = Request.Query[CanvasAuthSchemes.TicketParameter].ToString();
        if (ticket.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var grant = await tickets.RedeemAsync(ticket, Context.RequestAborted);
        if (grant is null)
        {
            const string reason = "The WebSocket ticket is unknown, already used or expired; request a new one from POST /api/chat/ws-ticket.";
            AuthFailure.Set(Context, reason);
            return AuthenticateResult.Fail(reason);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, grant.UserId), new Claim(ClaimTypes.Name, grant.UserName ?? grant.UserId)],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthFailure.WriteChallengeAsync(Context, "Bearer");
}
