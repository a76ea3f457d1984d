using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Canvas.WebFrontend.Auth;

/// <summary>
/// Mints the short-lived HS256 JWT the chat API accepts for a user, and reuses it until shortly before it expires.
/// </summary>
/// <remarks>Tokens are credentials and are never logged.</remarks>
public sealed class ChatApiTokenIssuer
{
    private readonly ChatApiTokenOptions _options;
    private readonly SigningCredentials _credentials;
    private readonly IMemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Creates the issuer.</summary>
    /// <param name="options">The validated token options.</param>
    /// <param name="cache">The cache holding one token per user.</param>
    /// <param name="time">The clock.</param>
    public ChatApiTokenIssuer(IOptions<ChatApiTokenOptions> options, IMemoryCache cache, TimeProvider time)
    {
        _options = options.Value;
        _cache = cache;
        _time = time;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.SigningKey));
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
    }

    /// <summary>Gets a token whose <c>sub</c> is <paramref name="userId"/>, valid for at least the renewal margin.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The compact JWT.</returns>
    /// <exception cref="ArgumentException">The user id is empty.</exception>
    public string GetToken(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _cache.GetOrCreate(("chatapi-token", userId), entry =>
        {
            var now = _time.GetUtcNow();
            entry.AbsoluteExpiration = now + _options.TokenLifetime - _options.RenewBefore;
            return Mint(userId, now);
        })!;
    }

    private string Mint(string userId, DateTimeOffset now) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)]),
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + _options.TokenLifetime).UtcDateTime,
            SigningCredentials = _credentials,
        });
}
