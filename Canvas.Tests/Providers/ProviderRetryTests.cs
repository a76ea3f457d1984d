using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Providers;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Canvas.Tests.Providers;

/// <summary>
/// A provider that refuses a request for now (429, or 503 / Anthropic's 529 when overloaded) before sending any of
/// the answer gets it again after the wait its <c>retry-after</c> asks for, a bounded number of times, through each
/// real SDK; then the answer fails with a typed, retryable error carrying <c>retryAfterMs</c>, for every provider.
/// The waits run on a fake clock that the tests move exactly when the handler waits.
/// </summary>
public sealed class ProviderRetryTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Count from 1 to 5")];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string> ProvidersAndRefusals => new()
    {
        { "ollama", "rate-limited" }, { "ollama", "overloaded" },
        { "openai", "rate-limited" }, { "openai", "overloaded" },
        { "anthropic", "rate-limited" }, { "anthropic", "overloaded" },
    };

    [Theory]
    [MemberData(nameof(ProvidersAndRefusals))]
    public async Task RefusedBeforeTheAnswer_IsSentAgainAfterTheRetryAfter_AndTheAnswerArrivesWhole(string provider, string refusal)
    {
        // Arrange
        await using var upstream = await Upstream.StartAsync(provider);
        var clock = new WaitSignallingTimeProvider();
        using var http = upstream.HttpClient(maxRetries: 2, clock);
        upstream.Server.Enqueue(Refusal(refusal, retryAfterSeconds: 3), FakeResponse.Fixture(upstream.StreamFixture));

        // Act
        var reading = StreamOutcome.ReadAsync(upstream.ChatClient(http).GetStreamingResponseAsync(Prompt));
        var wait = await clock.NextWaitAsync();
        var requestsDuringTheWait = upstream.Server.Requests.Count;
        clock.Advance(wait);
        var outcome = await reading.WaitAsync(Bound);

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(3), wait);
        Assert.Equal(1, requestsDuringTheWait);
        Assert.Null(outcome.Error);
        Assert.Equal(upstream.Transcript.Text, outcome.Text);
        Assert.Equal(2, upstream.Server.Requests.Count);
        Assert.Equal(upstream.Server.Requests[0].Body, upstream.Server.Requests[1].Body);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndRefusals))]
    public async Task RefusedEveryTime_FailsAfterTheLastRetry_WithATypedRetryableErrorCarryingRetryAfterMs(string provider, string refusal)
    {
        // Arrange
        await using var upstream = await Upstream.StartAsync(provider);
        var clock = new WaitSignallingTimeProvider();
        using var http = upstream.HttpClient(maxRetries: 2, clock);
        upstream.Server.Enqueue(Refusal(refusal, 1), Refusal(refusal, 1), Refusal(refusal, 4), FakeResponse.Fixture(upstream.StreamFixture));

        // Act
        var reading = StreamOutcome.ReadAsync(upstream.ChatClient(http).GetStreamingResponseAsync(Prompt));
        clock.Advance(await clock.NextWaitAsync());
        clock.Advance(await clock.NextWaitAsync());
        var outcome = await reading.WaitAsync(Bound);
        var error = ProviderFailure.ToErrorEvent(outcome.Error!, provider, "g_test", seq: 1);

        // Assert
        Assert.Equal(3, upstream.Server.Requests.Count);
        Assert.Equal(refusal == "rate-limited" ? ErrorCodes.UpstreamRateLimited : ErrorCodes.UpstreamUnavailable, error.Code);
        Assert.True(error.Retryable);
        Assert.Equal(4000, error.RetryAfterMs);
        Assert.Equal(0, clock.PendingWaits);
    }

    [Theory]
    [MemberData(nameof(ProvidersAndRefusals))]
    public async Task RetryAfterLongerThanTheLongestWait_FailsAtOnce_WithTheWaitTheProviderAskedFor(string provider, string refusal)
    {
        // Arrange
        await using var upstream = await Upstream.StartAsync(provider);
        var clock = new WaitSignallingTimeProvider();
        using var http = upstream.HttpClient(maxRetries: 2, clock);
        upstream.Server.Enqueue(Refusal(refusal, retryAfterSeconds: 60));

        // Act
        var outcome = await StreamOutcome.ReadAsync(upstream.ChatClient(http).GetStreamingResponseAsync(Prompt)).WaitAsync(Bound);
        var error = ProviderFailure.ToErrorEvent(outcome.Error!, provider, "g_test", seq: 1);

        // Assert
        Assert.Single(upstream.Server.Requests);
        Assert.Equal(0, clock.PendingWaits);
        Assert.Equal(60_000, error.RetryAfterMs);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task RefusedWithoutRetryAfter_WaitsOneThenTwoSeconds_AndSaysNoRetryAfter()
    {
        // Arrange
        await using var upstream = await Upstream.StartAsync("openai");
        var clock = new WaitSignallingTimeProvider();
        using var http = upstream.HttpClient(maxRetries: 2, clock);
        upstream.Server.Enqueue(Refusal("overloaded", null), Refusal("overloaded", null), Refusal("overloaded", null));

        // Act
        var reading = StreamOutcome.ReadAsync(upstream.ChatClient(http).GetStreamingResponseAsync(Prompt));
        var first = await clock.NextWaitAsync();
        clock.Advance(first);
        var second = await clock.NextWaitAsync();
        clock.Advance(second);
        var outcome = await reading.WaitAsync(Bound);

        // Assert
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], [first, second]);
        Assert.Null(ProviderFailure.ToErrorEvent(outcome.Error!, "openai", "g_test", seq: 1).RetryAfterMs);
    }

    [Fact]
    public async Task CancelledWhileWaitingToRetry_StopsWithoutSendingAgain()
    {
        // Arrange
        await using var upstream = await Upstream.StartAsync("anthropic");
        var clock = new WaitSignallingTimeProvider();
        using var http = upstream.HttpClient(maxRetries: 2, clock);
        using var stop = new CancellationTokenSource();
        upstream.Server.Enqueue(Refusal("rate-limited", retryAfterSeconds: 5));

        // Act
        var reading = StreamOutcome.ReadAsync(upstream.ChatClient(http).GetStreamingResponseAsync(Prompt, cancellationToken: stop.Token));
        await clock.NextWaitAsync();
        await stop.CancelAsync();
        var outcome = await reading.WaitAsync(Bound);

        // Assert
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
        Assert.Single(upstream.Server.Requests);
    }

    [Fact]
    public async Task RetriesOff_StillReportTheRetryAfter_OfEveryProvider()
    {
        foreach (var provider in new[] { "ollama", "openai", "anthropic" })
        {
            // Arrange
            await using var upstream = await Upstream.StartAsync(provider);
            using var http = upstream.HttpClient(maxRetries: 0, new WaitSignallingTimeProvider());
            upstream.Server.Enqueue(FakeResponse.RateLimited(retryAfterSeconds: 7));

            // Act
            var outcome = await StreamOutcome.ReadAsync(upstream.ChatClient(http).GetStreamingResponseAsync(Prompt)).WaitAsync(Bound);

            // Assert
            Assert.Equal(7000, ProviderFailure.ToErrorEvent(outcome.Error!, provider, "g_test", seq: 1).RetryAfterMs);
            Assert.Single(upstream.Server.Requests);
        }
    }

    private static FakeResponse Refusal(string kind, int? retryAfterSeconds) => kind switch
    {
        "rate-limited" when retryAfterSeconds is { } seconds => FakeResponse.RateLimited(seconds),
        "overloaded" => FakeResponse.Overloaded(retryAfterSeconds),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>One provider's fake and the ChatApi's own pipeline pieces in front of its SDK.</summary>
    private sealed record Upstream(string Provider, FakeUpstreamServer Server, string StreamFixture, FixtureTranscript Transcript) : IAsyncDisposable
    {
        public static async Task<Upstream> StartAsync(string provider) => provider switch
        {
            "ollama" => new(provider, await FakeOllamaServer.StartAsync(), "chat_stream_basic.ndjson", FixtureTranscript.Ollama("chat_stream_basic.ndjson")),
            "openai" => new(provider, await FakeOpenAIServer.StartAsync(), "chat_stream_basic_usage.sse", FixtureTranscript.OpenAI("chat_stream_basic_usage.sse")),
            "anthropic" => new(provider, await FakeAnthropicServer.StartAsync(), "messages_stream_text_short.sse", FixtureTranscript.Anthropic("messages_stream_text_short.sse")),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };

        public HttpClient HttpClient(int maxRetries, TimeProvider clock) =>
            new(new ProviderRetryHandler(maxRetries, MaxRetryDelay, clock) { InnerHandler = new SocketsHttpHandler() })
            {
                BaseAddress = Server.BaseAddress,
                Timeout = Timeout.InfiniteTimeSpan,
            };

        public IChatClient ChatClient(HttpClient http)
        {
            var sdk = Provider switch
            {
                "ollama" => SdkChatClients.Ollama(http, "gemma3:1b"),
                "openai" => SdkChatClients.OpenAI(http, "gpt-4o"),
                _ => SdkChatClients.Anthropic(http, "claude-3-opus-20240229"),
            };
            return sdk.AsBuilder().UseRetryAfter().Build();
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
