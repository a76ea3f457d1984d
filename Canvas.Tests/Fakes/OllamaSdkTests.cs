using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Canvas.Tests.Fakes;

/// <summary>What OllamaSharp's <see cref="IChatClient"/> makes of Ollama's wire format and of its failures.</summary>
public sealed class OllamaSdkTests
{
    private const string Model = "gemma3:1b";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Count from 1 to 5")];

    [Theory]
    [InlineData("chat_stream_basic.ndjson")]
    [InlineData("chat_stream_thinking_cloud.ndjson")]
    public async Task GetStreamingResponseAsync_RecordedStream_YieldsTheRecordedTextReasoningAndUsage(string fixture)
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Fixture(fixture));
        var expected = FixtureTranscript.Ollama(fixture);

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        Assert.Null(outcome.Error);
        Assert.Equal(expected.Text, outcome.Text);
        Assert.Equal(expected.Reasoning, outcome.Reasoning);
        Assert.Equal(expected.InputTokens, outcome.Usage?.InputTokenCount);
        Assert.Equal(expected.OutputTokens, outcome.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, outcome.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinalDoneLine_IsOneUpdateWithFinishReasonAndUsage()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        var last = outcome.Updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.Single(last.Contents.OfType<UsageContent>());
        Assert.All(outcome.Updates.SkipLast(1), update => Assert.Null(update.FinishReason));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task GetStreamingResponseAsync_RandomChunkBoundaries_YieldsTheRecordedText(int seed)
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Default with { Chunking = StreamChunking.RandomOffsets(seed) });

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        Assert.Null(outcome.Error);
        Assert.Equal(FixtureTranscript.Ollama("chat_stream_basic.ndjson").Text, outcome.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MultiByteCharactersSplitAcrossChunks_YieldsExactText()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Raw(NonAsciiStreams.Ollama(), "application/x-ndjson") with { Chunking = StreamChunking.FixedSize(1) });

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        Assert.Equal(string.Concat(NonAsciiStreams.Deltas), outcome.Text);
    }

    [Fact]
    public async Task GetResponseAsync_NonStreamingAnswer_ReturnsRecordedTextAndUsage()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        var expected = FixtureTranscript.Ollama("chat_nonstream.json");

        var response = await SdkChatClients.Ollama(http, Model).GetResponseAsync(Prompt);

        Assert.Equal(expected.Text, response.Text);
        Assert.Equal(expected.InputTokens, response.Usage?.InputTokenCount);
        Assert.Equal(expected.OutputTokens, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.False(server.Requests.Single().Json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Conversation_SendsModelSystemPromptAndHistoryInOrder()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        ChatMessage[] conversation =
        [
            new(ChatRole.System, "You are terse."), new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello."), new(ChatRole.User, "Count"),
        ];

        await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(conversation));

        var body = server.Requests.Single().Json;
        Assert.Equal(Model, body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal(
            [("system", "You are terse."), ("user", "Hi"), ("assistant", "Hello."), ("user", "Count")],
            body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())));
    }

    public static TheoryData<FakeResponse, HttpStatusCode> HttpFailures => new()
    {
        { FakeResponse.RateLimited(), HttpStatusCode.TooManyRequests },
        { FakeResponse.Unauthorized(), HttpStatusCode.Unauthorized },
        { FakeResponse.InternalServerError(), HttpStatusCode.InternalServerError },
        { FakeResponse.ModelNotFound(), HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(HttpFailures))]
    public async Task GetStreamingResponseAsync_HttpFailure_ThrowsHttpRequestExceptionWithStatusButNoBody(FakeResponse failure, HttpStatusCode status)
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(failure);

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        // OllamaSharp reads the body only for 400; for every other status it calls EnsureSuccessStatusCode, so the
        // error text (and any retry-after) is lost.
        var error = Assert.IsType<HttpRequestException>(outcome.Error);
        Assert.Equal(status, error.StatusCode);
        Assert.Empty(outcome.Updates);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionResetMidStream_ThrowsIOExceptionAfterPartialText()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.Cut(afterChunks: 3) });

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        Assert.IsAssignableFrom<IOException>(outcome.Error);
        Assert.StartsWith(outcome.Text, FixtureTranscript.Ollama("chat_stream_basic.ndjson").Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionResetBeforeResponse_ThrowsHttpRequestException()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.Cut(afterChunks: 0) });

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        Assert.IsType<HttpRequestException>(outcome.Error);
        Assert.Null(((HttpRequestException)outcome.Error).StatusCode);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_GarbageLine_ThrowsJsonException()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.Garbage(afterChunks: 3) });

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        Assert.IsAssignableFrom<JsonException>(outcome.Error);
        Assert.Equal(3, outcome.Updates.Count);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InBandErrorLine_IsSwallowedAndTheStreamEndsWithoutFinishReason()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.InBandError(afterChunks: 3) });

        var outcome = await StreamOutcome.ReadAsync(SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt));

        // The chat stream path of OllamaSharp 5.5.2 does not look for "error" (its generic stream path does), so the
        // line becomes an empty update. Only the missing done line tells the stream apart from a complete answer.
        Assert.Null(outcome.Error);
        Assert.Null(outcome.FinishReason);
        Assert.Null(outcome.Usage);
        Assert.StartsWith(outcome.Text, FixtureTranscript.Ollama("chat_stream_basic.ndjson").Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledWhileUpstreamStalls_HangsUntilTheNextLineThenEndsQuietly()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        server.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 3) });
        using var cancellation = new CancellationTokenSource();
        var updates = new List<ChatResponseUpdate>();
        var stream = SdkChatClients.Ollama(http, Model).GetStreamingResponseAsync(Prompt, cancellationToken: cancellation.Token);
        await using var enumerator = stream.GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Bound));
        }

        var next = enumerator.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();
        var stillWaiting = !next.IsCompleted;
        server.ReleaseStalledResponses();
        var movedOn = await next.WaitAsync(Bound);

        // OllamaSharp reads lines with ReadLineAsync() and no token, and checks the token only between lines: a
        // cancelled stream neither throws nor closes the connection while the upstream is silent.
        Assert.True(stillWaiting);
        Assert.True(movedOn);
        Assert.False(await enumerator.MoveNextAsync().AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task HttpClient_BaseAddress_IsTheOnlyEndpointSetting()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var http = SdkChatClients.HttpClientFor(server);
        var client = new OllamaSharp.OllamaApiClient(http, Model);

        var version = await client.GetVersionAsync();
        var models = await client.ListLocalModelsAsync();

        Assert.Equal("0.5.1", version);
        Assert.Equal("llama3.2:latest", Assert.Single(models).Name);
    }
}
