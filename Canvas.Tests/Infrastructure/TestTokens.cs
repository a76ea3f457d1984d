using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Canvas.Tests.Infrastructure;

/// <summary>Mints JWTs the way the web frontend does, for the key a test ChatApi trusts.</summary>
public static class TestTokens
{
    public const string SigningKey = "canvas-tests-signing-key-0123456789abcdef";
    public const string Issuer = "canvas-web";
    public const string Audience = "canvas-chatapi";

    public static string For(string userId, TimeSpan? lifetime = null, string key = SigningKey, string audience = Audience,
        DateTime? notBefore = null, string issuer = Issuer)
    {
        var now = notBefore ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            Issuer = issuer,
            Audience = audience,
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>A token with every claim right but no signature (<c>"alg": "none"</c>), as an attacker would forge one.</summary>
    public static string Unsigned(string userId)
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Encode("""{"alg":"none","typ":"JWT"}""") + "."
            + Encode($$"""{"sub":"{{userId}}","iss":"{{Issuer}}","aud":"{{Audience}}","nbf":{{now - 60}},"exp":{{now + 300}}}""") + ".";
    }
}
