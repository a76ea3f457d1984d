using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// Bearer tokens for a test user, signed (HS256) with the key the tests give the AppHost as <c>jwt-signing-key</c>,
/// the same key ChatApi and WebFrontend receive as <c>Canvas:Auth:SigningKey</c>.
/// </summary>
internal static class TestTokens
{
    /// <summary>
    /// Must equal the services' default <c>Canvas:Auth:Issuer</c>; the AppHost passes no issuer, so the default applies.
    /// </summary>
    public const string Issuer = "canvas";

    /// <summary>Must equal the services' default <c>Canvas:Auth:Audience</c>.</summary>
    public const string Audience = "canvas-api";

    /// <summary>A token for <paramref name="userId"/> that expires in ten minutes.</summary>
    public static string Create(string signingKey, string userId)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Encode(new { alg = "HS256", typ = "JWT" });
        var payload = Encode(new
        {
            sub = userId,
            name = userId,
            iss = Issuer,
            aud = Audience,
            iat = now.ToUnixTimeSeconds(),
            nbf = now.ToUnixTimeSeconds(),
            exp = now.AddMinutes(10).ToUnixTimeSeconds(),
        });

        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode<T>(T value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
