using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canvas.Tests.Fakes;

/// <summary>
/// A fake OpenAI server: <c>POST /v1/chat/completions</c>, answered with SSE (<c>data:</c> lines ending in
/// <c>data: [DONE]</c>) when the request has <c>"stream":true</c> and with one JSON object otherwise.
/// </summary>
/// <remarks>
/// The 401 and 429 bodies are the recorded ones. The 404 and 500 bodies are written in the API's own error layout
/// (2-space indentation, no trailing newline), with the wording the API uses. No recording of a mid-stream error
/// exists; the fake sends the shape that OpenAI's SDKs look for, <c>data: {"error":{…}}</c>, and then ends.
/// </remarks>
public sealed class FakeOpenAIServer : FakeUpstreamServer
{
    private const string ErrorContentType = "application/json; charset=utf-8";

    private FakeOpenAIServer()
    {
    }

    /// <summary>The error message of <see cref="StreamFault.InBandError"/>.</summary>
    public const string InBandErrorMessage = "The server had an error while processing your request. Sorry about that!";

    private protected override string FixtureFolder => "openai";

    private protected override string DefaultStreamFixture => "chat_stream_basic_usage.sse";

    private protected override string DefaultJsonFixture => "chat_nonstream.json";

    private protected override bool StreamsByDefault => false;

    private protected override byte[] EventTerminator { get; } = "\n\n"u8.ToArray();

    private protected override byte[] GarbageEvent { get; } = "data: <html><body>502 Bad Gateway</body></html>\n\n"u8.ToArray();

    private protected override byte[] InBandErrorEvent { get; } = Encoding.UTF8.GetBytes(
        $$$"""data: {"error":{"message":"{{{InBandErrorMessage}}}","type":"server_error","param":null,"code":null}}""" + "\n\n");

    /// <summary>Starts a fake OpenAI server on a free loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeOpenAIServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeOpenAIServer();
        await server.ListenAsync(cancellationToken);
        return server;
    }

    /// <summary>Gets or sets the only key <c>GET /v1/models</c> accepts (any other gets the recorded 401); null (the default) accepts any.</summary>
    public string? AcceptedApiKey { get; set; }

    private protected override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/chat/completions", AnswerChatAsync);
        routes.MapGet("/v1/models", context => AcceptedApiKey is null || context.Request.Headers.Authorization == $"Bearer {AcceptedApiKey}"
            ? AnswerProbeAsync(context, StatusCodes.Status200OK, ModelList, "application/json")
            : AnswerProbeAsync(context, StatusCodes.Status401Unauthorized, ProviderFixtures.ReadBytes(FixtureFolder, "error_401_invalid_api_key.json"), ErrorContentType));
    }

    // The shape of https://platform.openai.com/docs/api-reference/models/list, with the model the tests' agent uses.
    private static readonly byte[] ModelList = """
        {
          "object": "list",
          "data": [
            {
              "id": "gpt-4o-mini",
              "object": "model",
              "created": 1721172741,
              "owned_by": "system"
            }
          ]
        }
        """u8.ToArray();

    private protected override string ContentTypeOf(string fixtureFile) =>
        fixtureFile.EndsWith(".sse", StringComparison.Ordinal) ? "text/event-stream; charset=utf-8" : "application/json";

    private protected override UpstreamReply ErrorReply(UpstreamError error, string? model)
    {
        var (status, body) = error switch
        {
            UpstreamError.Unauthorized => (StatusCodes.Status401Unauthorized,
                ProviderFixtures.ReadBytes(FixtureFolder, "error_401_invalid_api_key.json")),
            UpstreamError.RateLimited => (StatusCodes.Status429TooManyRequests,
                ProviderFixtures.ReadBytes(FixtureFolder, "error_429_rate_limit_exceeded.json")),
            UpstreamError.ModelNotFound => (StatusCodes.Status404NotFound, ApiError(
                $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", "\"model_not_found\"")),
            UpstreamError.InternalServerError => (StatusCodes.Status500InternalServerError, ApiError(
                "The server had an error while processing your request. Sorry about that!", "server_error", "null")),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
        };
        return new UpstreamReply(status, body, ErrorContentType, IsStream: false);
    }

    private static byte[] ApiError(string message, string type, string codeJson) => Encoding.UTF8.GetBytes($$"""
        {
          "error": {
            "message": "{{message}}",
            "type": "{{type}}",
            "param": null,
            "code": {{codeJson}}
          }
        }
        """);
}
