using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Canvas.Tests.Security;

/// <summary>
/// Security matrix, credentials: every credential the ChatApi must not accept is refused — 401 problem details over
/// HTTP, a 1008 close on a WebSocket — with a reason a client developer can act on, and the secret appears neither
/// in the answer nor in the logs.
/// </summary>
public sealed class CredentialRefusalTests : ChatApiTest
{
    private const string ApiToken = "cnv_machine-client-token-for-the-security-matrix";
    private const string RotatedApiToken = "cnv_the-token-that-replaced-it-in-the-configuration";
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Auth:ApiTokens:0:UserId"] = "robot",
        ["Canvas:Auth:ApiTokens:0:Sha256"] = Sha256(ApiToken),
    };

    /// <summary>Each bad bearer credential and a word its refusal must contain.</summary>
    public static TheoryData<string, string> BadBearers => new()
    {
        { "none", "bearer token" },
        { "expired", "expired" },
        { "not-yet-valid", "not valid yet" },
        { "wrong-signature", "signature" },
        { "alg-none", "not signed" },
        { "wrong-issuer", "issuer" },
        { "wrong-audience", "audience" },
        { "unknown-api-token", "Unknown API token" },
        { "malformed", "malformed" },
    };

    [Theory]
    [MemberData(nameof(BadBearers))]
    public async Task HttpRequest_WithABadBearer_Is401SayingWhy_AndNeverEchoesOrLogsIt(string credential, string reason)
    {
        // Arrange
        var bearer = Bearer(credential);
        using var client = Api.AnonymousClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "hi" });

        // Assert
        var problem = await BadInputTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        Assert.Contains(reason, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        AssertNeverShown(bearer, problem.ToJsonString());
        Assert.Empty(Environment.OpenAI.Requests);
    }

    [Theory]
    [MemberData(nameof(BadBearers))]
    public async Task WebSocket_WithABadBearer_IsClosedWithPolicyViolationSayingWhy_AndNeverEchoesOrLogsIt(string credential, string reason)
    {
        // Arrange
        var bearer = Bearer(credential);

        // Act
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), bearer);
        var message = await socket.ReceiveAsync();

        // Assert
        Assert.Null(message);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Contains(reason, socket.CloseStatusDescription, StringComparison.OrdinalIgnoreCase);
        AssertNeverShown(bearer, socket.CloseStatusDescription!);
    }

    [Theory]
    [InlineData("reused")]
    [InlineData("expired")]
    [InlineData("unknown")]
    public async Task WebSocketTicket_ReusedExpiredOrUnknown_IsClosedWithPolicyViolationSayingWhy(string kind)
    {
        // Arrange
        using var alice = Api.ClientFor("alice");
        var ticket = kind == "unknown" ? "never-issued-ticket" : await TicketAsync(alice);
        if (kind == "reused")
        {
            await using var first = await ChatSocketClient.ConnectAsync(TicketUri(ticket), bearerToken: null);
            await first.SendAsync(new { type = "resume", generationId = "g_none", afterSeq = 0 });
            Assert.Equal(ErrorCodes.NotFound, (await first.ReceiveAsync())!["code"]!.GetValue<string>());
        }
        else if (kind == "expired")
        {
            _clock.Advance(TimeSpan.FromSeconds(31));
        }

        // Act
        await using var socket = await ChatSocketClient.ConnectAsync(TicketUri(ticket), bearerToken: null);
        var message = await socket.ReceiveAsync();

        // Assert
        Assert.Null(message);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Contains("unknown, already used or expired", socket.CloseStatusDescription);
        AssertNeverShown(ticket, socket.CloseStatusDescription!);
    }

    [Fact]
    public async Task ApiToken_RemovedFromTheConfiguration_IsRefusedWithoutARestart()
    {
        // Arrange
        using var robot = Api.AnonymousClient();
        robot.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var before = await robot.GetAsync("/api/agents");
        var configuration = (IConfigurationRoot)Api.Services.GetRequiredService<IConfiguration>();

        // Act
        configuration["Canvas:Auth:ApiTokens:0:Sha256"] = Sha256(RotatedApiToken);
        configuration.Reload();
        using var after = await robot.GetAsync("/api/agents");
        using var rotated = Api.AnonymousClient();
        rotated.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RotatedApiToken);
        using var withTheNewToken = await rotated.GetAsync("/api/agents");

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var problem = await BadInputTests.AssertProblemAsync(after, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        Assert.Contains("Unknown API token", problem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, withTheNewToken.StatusCode);
        AssertNeverShown(ApiToken, problem.ToJsonString());
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    private static string? Bearer(string credential) => credential switch
    {
        "none" => null,
        "expired" => TestTokens.For("alice", notBefore: DateTime.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(5)),
        "not-yet-valid" => TestTokens.For("alice", notBefore: DateTime.UtcNow.AddHours(2)),
        "wrong-signature" => TestTokens.For("alice", key: "some-other-key-that-is-long-enough-to-sign"),
        "alg-none" => TestTokens.Unsigned("alice"),
        "wrong-issuer" => TestTokens.For("alice", issuer: "https://attacker.example"),
        "wrong-audience" => TestTokens.For("alice", audience: "someone-else"),
        "unknown-api-token" => "cnv_a-token-nobody-issued",
        "malformed" => "not.a.jwt",
        _ => throw new ArgumentOutOfRangeException(nameof(credential), credential, null),
    };

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static async Task<string> TicketAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/chat/ws-ticket", null);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["ticket"]!.GetValue<string>();
    }

    private Uri TicketUri(string ticket) => Api.WebSocketUri($"ticket={Uri.EscapeDataString(ticket)}");

    // The whole secret, and its signature part alone (the part a JWT's owner must keep), appear nowhere.
    private void AssertNeverShown(string? secret, string answer)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        string[] secrets = [secret, .. secret.Split('.').Where(part => part.Length >= 16)];
        foreach (var part in secrets)
        {
            Assert.DoesNotContain(part, answer, StringComparison.Ordinal);
            Assert.DoesNotContain(Api.Logs.Lines, line => line.Contains(part, StringComparison.Ordinal));
        }
    }
}
