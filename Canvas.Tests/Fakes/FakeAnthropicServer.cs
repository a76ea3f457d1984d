using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canvas.Tests.Fakes;

/// <summary>
/// A fake Anthropic server: <c>POST /v1/messages</c>, answered with SSE (<c>event:</c> + <c>data:</c> pairs ending in
/// <c>message_stop</c>) when the request has <c>"stream":true</c> and with one JSON object otherwise.
/// </summary>
/// <remarks>
/// The 401 and 429 bodies are the recorded ones; the 404 and 500 bodies and the mid-stream <c>event: error</c> follow
/// the documented error shapes (https://docs.claude.com/en/api/errors): compact JSON, no trailing newline, and after an
/// in-band error the stream ends without <c>message_stop</c>.
/// </remarks>
public sealed class FakeAnthropicServer : FakeUpstreamServer
{
    private FakeAnthropicServer()
    {
    }

    /// <summary>The error message of <see cref="StreamFault.InBandError"/>, whose error type is <c>overloaded_error</c>.</summary>
    public const string InBandErrorMessage = "Overloaded";

    private protected override string FixtureFolder => "anthropic";

    private protected override string DefaultStreamFixture => "messages_stream_text_ping_midstream.sse";

    private protected override string DefaultJsonFixture => "messages_nonstream.json";

    private protected override bool StreamsByDefault => false;

    private protected override byte[] EventTerminator { get; } = "\n\n"u8.ToArray();

    private protected override byte[] GarbageEvent { get; } =
        "event: content_block_delta\ndata: <html><body>502 Bad Gateway</body></html>\n\n"u8.ToArray();

    private protected override byte[] InBandErrorEvent { get; } = Encoding.UTF8.GetBytes(
        $$$"""event: error{{{"\n"}}}data: {"type":"error","error":{"type":"overloaded_error","message":"{{{InBandErrorMessage}}}"}}""" + "\n\n");

    /// <summary>Starts a fake Anthropic server on a free loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeAnthropicServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeAnthropicServer();
        await server.ListenAsync(cancellationToken);
        return server;
    }

    /// <summary>Gets or sets the only key <c>GET /v1/models</c> accepts (any other gets the recorded 401); null (the default) accepts any.</summary>
    public string? AcceptedApiKey { get; set; }

    private protected override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/messages", AnswerChatAsync);
        routes.MapGet("/v1/models", context => AcceptedApiKey is null || context.Request.Headers["x-api-key"] == AcceptedApiKey
            ? AnswerProbeAsync(context, StatusCodes.Status200OK, ModelList, "application/json")
            : AnswerProbeAsync(context, StatusCodes.Status401Unauthorized,
                ProviderFixtures.ReadBytes(FixtureFolder, "error_401_authentication_error.json"), "application/json"));
    }

    // The shape of https://docs.claude.com/en/api/models-list, with the model the tests' agent uses.
    private static readonly byte[] ModelList =
        """{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}"""u8.ToArray();

    private protected override string ContentTypeOf(string fixtureFile) =>
        fixtureFile.EndsWith(".sse", StringComparison.Ordinal) ? "text/event-stream; charset=utf-8" : "application/json";

    private protected override UpstreamReply ErrorReply(UpstreamError error, string? model)
    {
        var (status, body) = error switch
        {
            UpstreamError.Unauthorized => (StatusCodes.Status401Unauthorized,
                ProviderFixtures.ReadBytes(FixtureFolder, "error_401_authentication_error.json")),
            UpstreamError.RateLimited => (StatusCodes.Status429TooManyRequests,
                ProviderFixtures.ReadBytes(FixtureFolder, "error_429_rate_limit_error.json")),
            UpstreamError.ModelNotFound => (StatusCodes.Status404NotFound, ApiError("not_found_error", $"model: {model}")),
            UpstreamError.InternalServerError => (StatusCodes.Status500InternalServerError, ApiError("api_error", "Internal server error")),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
        };
        return new UpstreamReply(status, body, "application/json", IsStream: false);
    }

    private static byte[] ApiError(string type, string message) =>
        Encoding.UTF8.GetBytes($$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message}}}"}}""");
}
