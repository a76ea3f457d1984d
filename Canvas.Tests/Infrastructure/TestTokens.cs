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
        DateTime? notBefore = null)
    {
        var now = notBefore ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            Issuer = Issuer,
            Audience = audience,
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
