using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Canvas.ChatApi.Auth;

/// <summary>JWTs, API tokens and WebSocket tickets behind one default scheme.</summary>
internal static class CanvasAuthenticationExtensions
{
    public static IHostApplicationBuilder AddCanvasAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CanvasAuthOptions>()
            .BindConfiguration(CanvasAuthOptions.SectionName)
            .Validate(o => o.SigningKey is null || o.SigningKey.Length >= 32,
                $"{CanvasAuthOptions.SectionName}:SigningKey must be at least 32 characters.")
            .Validate(o => o.TicketLifetime > TimeSpan.Zero && o.TicketLifetime <= TimeSpan.FromSeconds(60),
                $"{CanvasAuthOptions.SectionName}:TicketLifetime must be between 0 and 60 seconds.")
            .Validate(o => o.ApiTokens.All(t => t.UserId.Length > 0 && t.Sha256.Length == 64),
                $"{CanvasAuthOptions.SectionName}:ApiTokens entries need a UserId and a 64-character hex Sha256.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(CanvasAuthSchemes.Default)
            .AddPolicyScheme(CanvasAuthSchemes.Default, "JWT, API token or WebSocket ticket", policy =>
                policy.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(CanvasAuthSchemes.Jwt)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(CanvasAuthSchemes.ApiToken, null)
            .AddScheme<AuthenticationSchemeOptions, WebSocketTicketHandler>(CanvasAuthSchemes.Ticket, null);

        builder.Services.AddOptions<JwtBearerOptions>(CanvasAuthSchemes.Jwt)
            .Configure<IOptions<CanvasAuthOptions>>((jwt, canvas) =>
            {
                TrustFrontendKey(jwt.TokenValidationParameters, canvas.Value);
                jwt.Events = new JwtBearerEvents
                {
                    OnAuthenticationFailed = context =>
                    {
                        AuthFailure.Set(context.HttpContext, AuthFailure.Describe(context.Exception));
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        if (context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is null)
                        {
                            const string reason = "The token has no subject (sub) claim.";
                            AuthFailure.Set(context.HttpContext, reason);
                            context.Fail(reason);
                        }

                        return Task.CompletedTask;
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        await AuthFailure.WriteChallengeAsync(context.HttpContext, CanvasAuthSchemes.Jwt);
                    },
                };
            });

        builder.Services.AddAuthorization();
        return builder;
    }

    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer " + CanvasAuthSchemes.ApiTokenPrefix, StringComparison.Ordinal))
        {
            return CanvasAuthSchemes.ApiToken;
        }

        // Tickets exist only for browsers' WebSocket upgrades, which cannot set headers.
        return context.WebSockets.IsWebSocketRequest && context.Request.Query.ContainsKey(CanvasAuthSchemes.TicketParameter)
            ? CanvasAuthSchemes.Ticket
            : CanvasAuthSchemes.Jwt;
    }

    private static void TrustFrontendKey(TokenValidationParameters parameters, CanvasAuthOptions canvas)
    {
        if (canvas.SigningKey is null)
        {
            return;
        }

        parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], new SymmetricSecurityKey(Encoding.UTF8.GetBytes(canvas.SigningKey))];
        parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], .. parameters.ValidIssuer is null ? [] : new[] { parameters.ValidIssuer }, canvas.Issuer];
        parameters.ValidAudiences = [.. parameters.ValidAudiences ?? [], .. parameters.ValidAudience is null ? [] : new[] { parameters.ValidAudience }, canvas.Audience];
    }
}
