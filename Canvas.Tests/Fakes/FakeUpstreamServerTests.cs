using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Canvas.Tests.Fakes;

/// <summary>The fakes themselves, spoken to with a plain <see cref="HttpClient"/>.</summary>
public sealed class FakeUpstreamServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string, string, string> DefaultStreams => new()
    {
        { "ollama", "/api/chat", "chat_stream_basic.ndjson", "application/x-ndjson" },
        { "openai", "/v1/chat/completions", "chat_stream_basic_usage.sse", "text/event-stream; charset=utf-8" },
        { "anthropic", "/v1/messages", "messages_stream_text_ping_midstream.sse", "text/event-stream; charset=utf-8" },
    };

    public static TheoryData<string, string, string> DefaultJsonAnswers => new()
    {
        { "ollama", "/api/chat", "chat_nonstream.json" },
        { "openai", "/v1/chat/completions", "chat_nonstream.json" },
        { "anthropic", "/v1/messages", "messages_nonstream.json" },
    };

    [Theory]
    [MemberData(nameof(DefaultStreams))]
    public async Task ChatEndpoint_StreamRequest_ReplaysDefaultFixtureByteForByte(string provider, string path, string fixture, string contentType)
    {
        await using var server = await StartAsync(provider);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.PostAsync(path, Json("""{"model":"m","stream":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(ProviderFixtures.ReadBytes(provider, fixture), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(DefaultJsonAnswers))]
    public async Task ChatEndpoint_NonStreamRequest_ReplaysJsonFixtureWithContentLength(string provider, string path, string fixture)
    {
        await using var server = await StartAsync(provider);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var expected = ProviderFixtures.ReadBytes(provider, fixture);

        using var response = await http.PostAsync(path, Json("""{"model":"m","stream":false}"""));

        Assert.Equal(expected.Length, response.Content.Headers.ContentLength);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ChatEndpoint_QueuedResponses_AreUsedInOrderThenTheDefault()
    {
        await using var server = await FakeAnthropicServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.Fixture("messages_stream_text_short.sse"), FakeResponse.Fixture("messages_stream_thinking.sse"));

        var bodies = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync("/v1/messages", Json("""{"stream":true}"""));
            bodies.Add(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(ProviderFixtures.ReadBytes("anthropic", "messages_stream_text_short.sse"), bodies[0]);
        Assert.Equal(ProviderFixtures.ReadBytes("anthropic", "messages_stream_thinking.sse"), bodies[1]);
        Assert.Equal(ProviderFixtures.ReadBytes("anthropic", "messages_stream_text_ping_midstream.sse"), bodies[2]);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1234)]
    public async Task ChatEndpoint_RandomOffsetChunking_StillDeliversTheExactBytes(int seed)
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { Chunking = StreamChunking.RandomOffsets(seed) });

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"stream":true}"""));

        Assert.Equal(ProviderFixtures.ReadBytes("openai", "chat_stream_gpt35_count.sse"), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ChatEndpoint_RateLimited_Answers429WithRetryAfterAndRecordedBody()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.RateLimited(retryAfterSeconds: 3));

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"stream":true}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal(ProviderFixtures.ReadBytes("openai", "error_429_rate_limit_exceeded.json"), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ChatEndpoint_ModelNotFound_Answers404NamingTheRequestedModel()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.ModelNotFound());

        using var response = await http.PostAsync("/api/chat", Json("""{"model":"llama3.2"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProviderFixtures.ReadBytes("ollama", "error_404_model_not_found.json"), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ChatEndpoint_InBandError_EndsTheStreamWithTheProviderErrorEvent()
    {
        await using var server = await FakeAnthropicServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.InBandError(afterChunks: 2) });

        using var response = await http.PostAsync("/v1/messages", Json("""{"stream":true}"""));
        var body = await response.Content.ReadAsStringAsync();

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, events.Length);
        Assert.Equal("""event: error""" + "\n" + """data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", events[2]);
    }

    [Fact]
    public async Task ChatEndpoint_Cut_ResetsTheConnectionAfterThePiecesWritten()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.Cut(afterChunks: 2) });

        using var response = await http.SendAsync(Post("/api/chat", "{}"), HttpCompletionOption.ResponseHeadersRead);
        var read = await Record.ExceptionAsync(() => response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.IsAssignableFrom<IOException>(Assert.IsType<HttpRequestException>(read).InnerException);
        Assert.False(server.Requests.Single().Aborted.IsCompleted);
    }

    [Fact]
    public async Task ChatEndpoint_StallReleased_SendsTheRestOfTheBody()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 0) });

        using var response = await http.SendAsync(Post("/api/chat", "{}"), HttpCompletionOption.ResponseHeadersRead);
        server.ReleaseStalledResponses();

        Assert.Equal(ProviderFixtures.ReadBytes("ollama", "chat_stream_basic.ndjson"), await response.Content.ReadAsByteArrayAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task ChatEndpoint_ClientResetsMidStream_CompletesTheAbortedTask()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Enqueue(FakeResponse.Default with { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        using var client = new TcpClient { LingerState = new LingerOption(enable: true, seconds: 0) };
        await client.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("POST /api/chat HTTP/1.1\r\nHost: fake\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());
        Assert.True(await stream.ReadAsync(new byte[1024]) > 0);

        client.Close();

        await server.Requests.Single().Aborted.WaitAsync(Bound);
    }

    [Fact]
    public async Task ChatEndpoint_AnyRequest_IsRecordedWithPathHeadersAndJsonBody()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json("""{"model":"gpt-4o","stream":false}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-secret");

        using var response = await http.SendAsync(request);

        var recorded = Assert.Single(server.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("Bearer sk-secret", recorded.Header("authorization"));
        Assert.Equal("gpt-4o", recorded.Json.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("/api/tags", "tags.json")]
    [InlineData("/api/version", "version.json")]
    public async Task OllamaMetadataEndpoints_ReplayTheirFixtures(string path, string fixture)
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var body = await http.GetByteArrayAsync(path);

        Assert.Equal(ProviderFixtures.ReadBytes("ollama", fixture), body);
    }

    private static async Task<FakeUpstreamServer> StartAsync(string provider) => provider switch
    {
        "ollama" => await FakeOllamaServer.StartAsync(),
        "openai" => await FakeOpenAIServer.StartAsync(),
        "anthropic" => await FakeAnthropicServer.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static HttpRequestMessage Post(string path, string json) => new(HttpMethod.Post, path) { Content = Json(json) };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
