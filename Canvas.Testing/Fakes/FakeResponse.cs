namespace Canvas.Tests.Fakes;

/// <summary>
/// A scripted answer to one chat request. The server turns it into the provider's own wire format: the fixture folder,
/// the error bodies and the in-band error event all depend on which fake serves it.
/// </summary>
public sealed record FakeResponse
{
    private FakeResponse()
    {
    }

    /// <summary>
    /// Replays the provider's default recording: its default stream fixture when the request asked to stream, its
    /// non-streaming JSON fixture otherwise. A server answers with this when its queue is empty.
    /// </summary>
    public static FakeResponse Default { get; } = new();

    /// <summary>Replays a recorded body byte for byte, with status 200 and the provider's content type for that kind of file.</summary>
    /// <param name="fixtureFile">A file in the provider's fixture folder, for example <c>messages_stream_thinking.sse</c>.</param>
    public static FakeResponse Fixture(string fixtureFile) => new() { FixtureFile = fixtureFile };

    /// <summary>Answers with status 200 and the given body, for bodies that no recording has (for example non-ASCII text).</summary>
    /// <param name="body">The exact body bytes.</param>
    /// <param name="contentType">The <c>Content-Type</c> header value.</param>
    public static FakeResponse Raw(byte[] body, string contentType) => new() { Body = body, ContentType = contentType };

    /// <summary>Answers 429 with the provider's rate-limit body and a <c>retry-after</c> header.</summary>
    /// <param name="retryAfterSeconds">The <c>retry-after</c> value in whole seconds. The default is 7.</param>
    public static FakeResponse RateLimited(int retryAfterSeconds = 7) =>
        new() { Error = UpstreamError.RateLimited, Headers = new Dictionary<string, string> { ["retry-after"] = $"{retryAfterSeconds}" } };

    /// <summary>
    /// Answers that the provider cannot take the request now, with its overload body and a <c>retry-after</c> header:
    /// 503 from OpenAI and Ollama (a full request queue), 529 <c>overloaded_error</c> from Anthropic.
    /// </summary>
    /// <param name="retryAfterSeconds">The <c>retry-after</c> value in whole seconds, or null for none. The default is 2.</param>
    public static FakeResponse Overloaded(int? retryAfterSeconds = 2) => new()
    {
        Error = UpstreamError.Overloaded,
        Headers = retryAfterSeconds is { } seconds ? new Dictionary<string, string> { ["retry-after"] = $"{seconds}" } : new Dictionary<string, string>(),
    };

    /// <summary>Answers 401 with the provider's authentication error body.</summary>
    public static FakeResponse Unauthorized() => new() { Error = UpstreamError.Unauthorized };

    /// <summary>Answers 500 with the provider's internal error body.</summary>
    public static FakeResponse InternalServerError() => new() { Error = UpstreamError.InternalServerError };

    /// <summary>Answers 404 with the provider's unknown-model body, naming the model the request asked for.</summary>
    public static FakeResponse ModelNotFound() => new() { Error = UpstreamError.ModelNotFound };

    /// <summary>How the body is cut into flushed writes. The default is <see cref="StreamChunking.PerEvent"/>.</summary>
    public StreamChunking Chunking { get; init; } = StreamChunking.PerEvent;

    /// <summary>A pause before each piece is written. The default is no pause.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>A failure injected into the body. The default is none.</summary>
    public StreamFault? Fault { get; init; }

    /// <summary>Overrides the <c>Content-Type</c> the provider would send. The default is the provider's own.</summary>
    public string? ContentType { get; init; }

    /// <summary>Extra response headers. The default is none (a rate-limited or overloaded answer carries <c>retry-after</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    internal string? FixtureFile { get; private init; }

    internal byte[]? Body { get; private init; }

    internal UpstreamError? Error { get; private init; }
}

/// <summary>The failures that a provider reports with an HTTP status before any body is streamed.</summary>
internal enum UpstreamError
{
    RateLimited,
    Overloaded,
    Unauthorized,
    InternalServerError,
    ModelNotFound,
}
