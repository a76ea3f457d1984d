using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Canvas.ChatApi.Apis;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Canvas.Benchmarks.Load;

/// <summary>A ChatApi on loopback Kestrel whose OpenAI (or Ollama) provider is the synthetic upstream.</summary>
internal sealed class SelfHostedChatApi : WebApplicationFactory<ChatServices>
{
    private readonly string _signingKey;
    private readonly Dictionary<string, string?> _settings;

    /// <summary>Starts a ChatApi; a second replica of one user's answers is given the first's <paramref name="signingKey"/>.</summary>
    public SelfHostedChatApi(Uri upstream, string? redis, string? signingKey = null, string provider = "openai")
    {
        _signingKey = signingKey ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        _settings = new()
        {
            [provider == "ollama" ? "Canvas:Providers:Ollama:Endpoint" : "Canvas:Providers:OpenAI:Endpoint"] = upstream.ToString(),
            ["Canvas:Providers:OpenAI:ApiKey"] = "sk-load",
            ["Canvas:Auth:SigningKey"] = _signingKey,
            ["ConnectionStrings:redis"] = redis,
            ["Logging:LogLevel:Default"] = "Warning",
            // One load user starts thousands of answers and holds hundreds open.
            ["Canvas:Limits:StartsPerMinute"] = "1000000",
            ["Canvas:Limits:MaxOpenStreamsPerUser"] = "1000000",
        };
        UseKestrel(0);
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the key its bearer tokens are signed with, which a WebFrontend in front of it mints with too.</summary>
    public string SigningKey => _signingKey;

    public string TokenFor(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", userId)]),
        Issuer = "canvas-web",
        Audience = "canvas-chatapi",
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_signingKey)), SecurityAlgorithms.HmacSha256),
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
