using Microsoft.AspNetCore.Authentication.Cookies;

namespace Canvas.WebFrontend.Identity;

/// <summary>Gives every browser its own anonymous identity in an HttpOnly, SameSite=Strict cookie.</summary>
/// <remarks>
/// To use a real identity provider instead, replace <see cref="AddAnonymousIdentity"/> with cookie plus
/// OpenID Connect authentication and drop <see cref="UseAnonymousIdentity"/> (see docs/webfrontend.md); the rest
/// of the frontend only reads the user id through <see cref="CanvasUser.GetUserId"/>.
/// </remarks>
public static class AnonymousIdentityExtensions
{
    /// <summary>The name of the identity cookie.</summary>
    public const string CookieName = "canvas.id";

    /// <summary>Adds cookie authentication for the anonymous identity.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddAnonymousIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.IsEssential = true;
                options.ExpireTimeSpan = TimeSpan.FromDays(365);
                options.SlidingExpiration = true;

                // An API client gets a status code, never a redirect to a login page that does not exist.
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>Adds authentication, the anonymous sign-in of new browsers, and authorization to the pipeline.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static IApplicationBuilder UseAnonymousIdentity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseMiddleware<AnonymousSignInMiddleware>();
        app.UseAuthorization();
        return app;
    }
}
