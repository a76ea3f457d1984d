using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Canvas.Tests.Security;

/// <summary>
/// Security matrix, secrets: provider API keys, bearer tokens, WebSocket tickets and API tokens never appear in what
/// the ChatApi writes — logs at every level above Trace, problem details, stream events and close reasons, and
/// spans — through answers and refusals on every tier. Everything is captured, then searched.
/// </summary>
public sealed class SecretLeakTests : ChatApiTest
{
    private const string ApiToken = "cnv_api-token-that-must-never-be-written-anywhere";
    private readonly ExportedSpans _spans = new();
    private readonly List<string> _written = [];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Canvas:Auth:ApiTokens:0:UserId"] = "robot",
        ["Canvas:Auth:ApiTokens:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiToken))),
    };

    [Fact]
    public async Task AnswersAndRefusalsOnEveryTier_NeverWriteAKeyATokenOrATicket()
    {
        // Arrange
        var bearer = TestTokens.For("alice");
        var forged = TestTokens.For("alice", key: "a-key-the-server-does-not-trust-0123456789");
        using var alice = Api.ClientFor("alice");
        using var robot = Api.AnonymousClient();
        robot.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var forger = Api.AnonymousClient();
        forger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        using var unknown = Api.AnonymousClient();
        unknown.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cnv_" + ApiToken);

        // Act: answers on every tier and with every credential, then every kind of refusal and upstream failure.
        await CaptureAsync(alice.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "hi" }));
        await CaptureAsync(alice.PostAsJsonAsync("/api/chat", new { agentId = "claude", message = "hi" }));
        await CaptureAsync(robot.PostAsJsonAsync("/api/chat/sse", new { agentId = "local", message = "hi" }));
        await CaptureSocketAsync(Api.WebSocketUri(), bearer, new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
        var ticket = (await (await alice.PostAsync("/api/chat/ws-ticket", null)).Content.ReadFromJsonAsync<JsonObject>())!["ticket"]!.GetValue<string>();
        var ticketUri = Api.WebSocketUri($"ticket={Uri.EscapeDataString(ticket)}");
        await CaptureSocketAsync(ticketUri, null, new { type = "start", requestId = "r2", agentId = "claude", message = "hi" });
        await CaptureSocketAsync(ticketUri, null, start: null);
        await CaptureAsync(forger.GetAsync("/api/conversations"));
        await CaptureAsync(unknown.GetAsync("/api/conversations"));
        await CaptureSocketAsync(Api.WebSocketUri(), forged, start: null);
        Environment.OpenAI.Enqueue(FakeResponse.Unauthorized());
        Environment.Anthropic.Enqueue(FakeResponse.Unauthorized());
        await CaptureAsync(alice.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "hi" }));
        await CaptureAsync(alice.PostAsJsonAsync("/api/chat", new { agentId = "claude", message = "hi" }));
        Api.Services.GetRequiredService<TracerProvider>().ForceFlush();

        // Assert
        string[] secrets = [Environment.OpenAI.Requests[0].Header("Authorization")!["Bearer ".Length..], Environment.Anthropic.Requests[0].Header("Authorization")!["Bearer ".Length..],
            bearer, forged, Signature(bearer), Signature(forged), ticket, ApiToken];
        var logs = Api.Logs.Lines.ToList();
        var spans = _spans.Snapshot().Select(Describe).ToList();
        Assert.Contains(logs, line => line.Contains("Debug", StringComparison.Ordinal));
        Assert.Contains(spans, span => span.Contains("chat websocket", StringComparison.Ordinal));
        Assert.Equal(11, _written.Count);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(_written, answer => answer.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(logs, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(spans, span => span.Contains(secret, StringComparison.Ordinal));
        }
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));

    private static string Signature(string jwt) => jwt[(jwt.LastIndexOf('.') + 1)..];

    // A span as text: its name, status, every tag, event and link.
    private static string Describe(Activity span) => string.Join("\n",
        [span.DisplayName, span.OperationName, span.StatusDescription ?? "",
            .. span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"),
            .. span.Events.SelectMany(e => new[] { e.Name }.Concat(e.Tags.Select(tag => $"{tag.Key}={tag.Value}"))),
            .. span.Baggage.Select(item => $"{item.Key}={item.Value}")]);

    private async Task CaptureAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        _written.Add($"{response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
    }

    // A refused socket (start: null) is only listened to: the server closes it at once.
    private async Task CaptureSocketAsync(Uri uri, string? bearer, object? start)
    {
        await using var socket = await ChatSocketClient.ConnectAsync(uri, bearer);
        if (start is not null)
        {
            await socket.SendAsync(start);
        }

        var messages = await socket.ReceiveUntilTerminalAsync();
        _written.Add(string.Join("\n", messages.Select(message => message.ToJsonString())) + $"\n{socket.CloseStatus} {socket.CloseStatusDescription}");
    }
}
