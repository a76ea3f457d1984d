using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Canvas.WebFrontend.Identity;

/// <summary>Signs a browser that has no identity cookie in as a new anonymous user.</summary>
/// <remarks>User ids are personal data and are logged only at Debug.</remarks>
internal sealed partial class AnonymousSignInMiddleware(RequestDelegate next, ILogger<AnonymousSignInMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true && !IsCrossSiteNavigation(context.Request))
        {
            var userId = CanvasUser.NewAnonymousId();
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, userId)],
                CookieAuthenticationDefaults.AuthenticationScheme);
            var principal = new ClaimsPrincipal(identity);

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
            context.User = principal;
            LogSignedIn(logger, userId);
        }

        await next(context);
    }

    // A SameSite=Strict cookie is withheld from a navigation that starts on another site: such a request
    // looks anonymous but the browser may well hold an identity, which a new cookie would overwrite. The
    // same-origin API calls the page makes next do carry the cookie.
    private static bool IsCrossSiteNavigation(HttpRequest request) =>
        string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(1, LogLevel.Debug, "Signed in a new anonymous user {UserId}.")]
    private static partial void LogSignedIn(ILogger logger, string userId);
}
