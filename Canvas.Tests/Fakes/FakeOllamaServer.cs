using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Canvas.Tests.Fakes;

/// <summary>
/// A fake Ollama server: <c>POST /api/chat</c> (NDJSON stream, or one JSON object when <c>"stream":false</c>),
/// <c>GET /api/tags</c> (<see cref="PulledModels"/>), <c>GET /api/version</c> and <c>GET /</c>.
/// </summary>
/// <remarks>
/// Bodies that have no recording follow the Ollama source (<c>server/routes.go</c>): errors are
/// <c>{"error":"&lt;string&gt;"}</c> written by Gin's <c>c.JSON</c>, compact and without a trailing newline, and a
/// failure after the stream started is one such object as an NDJSON line, after which the stream ends.
/// </remarks>
public sealed class FakeOllamaServer : FakeUpstreamServer
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private static readonly JsonSerializerOptions GoLikeJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private FakeOllamaServer()
    {
    }

    /// <summary>The error text of <see cref="StreamFault.InBandError"/>.</summary>
    public const string InBandErrorMessage = "an error was encountered while running the model: unexpected EOF";

    private protected override string FixtureFolder => "ollama";

    private protected override string DefaultStreamFixture => "chat_stream_basic.ndjson";

    private protected override string DefaultJsonFixture => "chat_nonstream.json";

    // Ollama's ChatRequest.Stream is a *bool that defaults to true when absent.
    private protected override bool StreamsByDefault => true;

    private protected override byte[] EventTerminator { get; } = "\n"u8.ToArray();

    private protected override byte[] GarbageEvent { get; } = "<html><body>502 Bad Gateway</body></html>\n"u8.ToArray();

    private protected override byte[] InBandErrorEvent { get; } = Encoding.UTF8.GetBytes(ErrorBody(InBandErrorMessage) + "\n");

    /// <summary>
    /// Gets or sets the models <c>GET /api/tags</c> lists, each in the recorded entry's shape; null (the default)
    /// replays the recording (<c>llama3.2:latest</c>) byte for byte.
    /// </summary>
    public IReadOnlyList<string>? PulledModels { get; set; }

    /// <summary>Starts a fake Ollama server on a free loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeOllamaServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeOllamaServer();
        await server.ListenAsync(cancellationToken);
        return server;
    }

    private protected override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/chat", AnswerChatAsync);
        routes.MapGet("/api/tags", context => AnswerProbeAsync(context, StatusCodes.Status200OK, TagsBody(), JsonContentType));
        routes.MapGet("/api/version", context => AnswerWithFixtureAsync(context, "version.json"));
        routes.MapGet("/", () => "Ollama is running");
    }

    private protected override string ContentTypeOf(string fixtureFile) =>
        fixtureFile.EndsWith(".ndjson", StringComparison.Ordinal) ? "application/x-ndjson" : JsonContentType;

    private protected override UpstreamReply ErrorReply(UpstreamError error, string? model)
    {
        var (status, body) = error switch
        {
            UpstreamError.ModelNotFound => (StatusCodes.Status404NotFound, ErrorBody($"model '{model}' not found")),
            // Local Ollama has neither keys nor rate limits; these are what Ollama Cloud and proxies in front of it send.
            UpstreamError.Unauthorized => (StatusCodes.Status401Unauthorized, ErrorBody("unauthorized")),
            UpstreamError.RateLimited => (StatusCodes.Status429TooManyRequests, ErrorBody("too many requests")),
            UpstreamError.InternalServerError => (StatusCodes.Status500InternalServerError,
                ErrorBody("llama runner process has terminated: exit status 2")),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
        };
        return new UpstreamReply(status, Encoding.UTF8.GetBytes(body), JsonContentType, IsStream: false);
    }

    private byte[] TagsBody()
    {
        var recorded = ProviderFixtures.ReadBytes(FixtureFolder, "tags.json");
        if (PulledModels is not { } models)
        {
            return recorded;
        }

        var template = System.Text.Json.Nodes.JsonNode.Parse(recorded)!["models"]![0]!;
        var entries = new System.Text.Json.Nodes.JsonArray();
        foreach (var model in models)
        {
            var entry = template.DeepClone();
            entry["name"] = model;
            entry["model"] = model;
            entries.Add(entry);
        }

        return Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["models"] = entries }.ToJsonString(GoLikeJson));
    }

    // Go's encoding/json leaves quotes and non-ASCII unescaped (it escapes only <, > and &, which no message here has).
    private static string ErrorBody(string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message }, GoLikeJson);
}
