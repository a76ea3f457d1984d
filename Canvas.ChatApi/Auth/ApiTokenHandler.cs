using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Auth;

/// <summary>
/// Authenticates machine clients by an API token, compared by its SHA-256 so no token is stored. The tokens are read
/// on every request, so one removed from the configuration is refused as soon as the configuration reloads.
/// </summary>
internal sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<CanvasAuthOptions> canvasAuth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + CanvasAuthSchemes.ApiTokenPrefix, StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())));
        var match = canvasAuth.CurrentValue.ApiTokens.FirstOrDefault(token =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.Sha256.ToLowerInvariant()), Encoding.ASCII.GetBytes(hash)));
        if (match is null)
        {
            const string reason = "Unknown API token.";
            AuthFailure.Set(Context, reason);
            return Task.FromResult(AuthenticateResult.Fail(reason));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, match.UserId), new Claim(ClaimTypes.Name, match.Name ?? match.UserId)],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthFailure.WriteChallengeAsync(Context, "Bearer");
}
