using Canvas.ChatApi.Generations;
using Microsoft.IdentityModel.Tokens;

namespace Canvas.ChatApi.Auth;

/// <summary>
/// Why a request is not authenticated, in words a client developer can act on; never echoes the secret. Kept in
/// <see cref="HttpContext.Items"/> between authentication and the challenge (or the WebSocket close).
/// </summary>
public static class AuthFailure
{
    private static readonly object Key = new();

    /// <summary>What a request without credentials is told.</summary>
    public const string Missing = "A bearer token (JWT or API token) is required; a WebSocket may use a one-time ticket instead.";

    /// <summary>Remembers why authentication failed.</summary>
    public static void Set(HttpContext context, string reason) => context.Items[Key] = reason;

    /// <summary>Returns why authentication failed, or <see cref="Missing"/>.</summary>
    public static string Get(HttpContext context) => context.Items[Key] as string ?? Missing;

    /// <summary>Explains a JWT validation failure.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        SecurityTokenExpiredException expired => $"The token expired at {expired.Expires:u}.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not trusted by this server.",
        // IDX10504: the token has no signature at all ("alg": "none").
        SecurityTokenInvalidSignatureException unsigned when unsigned.Message.Contains("IDX10504", StringComparison.Ordinal) =>
            "The token is not signed; this server accepts only signed tokens.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The token's signature does not match any key this server trusts.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is not valid.",
    };

    /// <summary>Writes the 401 problem details with the reason.</summary>
    public static async Task WriteChallengeAsync(HttpContext context, string scheme)
    {
        var failure = context.Items[Key] as string;
        var reason = failure ?? Missing;
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        // RFC 6750 §3.1: a request without credentials gets the bare challenge; invalid_token only when one was sent and refused.
        context.Response.Headers.WWWAuthenticate = failure is null ? scheme : $"{scheme} error=\"invalid_token\"";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = reason,
                Extensions = { ["code"] = ErrorCodes.Unauthorized },
            },
        });
    }
}
