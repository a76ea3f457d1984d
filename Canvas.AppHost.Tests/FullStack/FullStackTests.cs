using System.Runtime.CompilerServices;
using Canvas.AppHost.Tests.Infrastructure;
using Canvas.Tests.Browser;
using Canvas.Tests.Fakes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>
/// The stack Aspire starts from Canvas.AppHost (<see cref="LocalStack"/>), used as a person would: Chromium on
/// WebFrontend, every answer checked against its recording, and every chat looked up afterwards on the real Aspire
/// dashboard, where its trace must hold the span named after the tier that carried it, with its GenAI child span.
/// </summary>
public sealed class FullStackTests(LocalStack stack, ITestOutputHelper output) : IClassFixture<LocalStack>, IAsyncLifetime
{
    private const string ChatSocket = "**/api/chat/ws";
    private const string SseStart = "**/api/chat/sse";

    // Bounds that only guard against a hang: an answer, and its spans reaching the dashboard in the next export batch.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // Resumes held open at once (each needs its own connection through DCP's proxy), and how many such rounds at most.
    private const int ConcurrentResumes = 4;
    private const int MaxResumeRounds = 5;

    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Gets the folder screenshots are saved in (copied to docs/screenshots by hand when they change).</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    [Fact]
    public async Task OllamaAgent_AnswersOverSse_AndTheDashboardHoldsItsChatSseSpan()
    {
        // Arrange
        var chat = await OpenChatAsync();
        await chat.SelectAgentAsync("local");

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "sse");
        await Expect(chat.IndicatorLabel).ToHaveTextAsync("SSE (Ollama)");
        await AssertShowsRecordingAsync(chat, "local");
        await AssertDashboardTraceAsync("chat sse", "local", fallbackFrom: null);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task CloudAgent_AnswersOverWebSocket_AndTheDashboardHoldsItsChatWebSocketSpan(string agentId)
    {
        // Arrange
        var chat = await OpenChatAsync(test: $"{nameof(CloudAgent_AnswersOverWebSocket_AndTheDashboardHoldsItsChatWebSocketSpan)}({agentId})");
        await chat.SelectAgentAsync(agentId);

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "websocket");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "false");
        await AssertShowsRecordingAsync(chat, agentId);
        await AssertDashboardTraceAsync("chat websocket", agentId, fallbackFrom: null);
    }

    [Fact]
    public async Task WebSocketBlocked_FallsBackToSse_AndTheDashboardShowsTheFallback()
    {
        // Arrange
        var chat = await OpenChatAsync();
        await chat.Page.RouteWebSocketAsync(ChatSocket, socket => _ = socket.CloseAsync(new() { Code = 1011, Reason = "blocked by test" }));
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "sse");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "true");
        await AssertShowsRecordingAsync(chat, "gpt");
        await AssertDashboardTraceAsync("chat sse", "gpt", fallbackFrom: "websocket");
    }

    [Fact]
    public async Task WebSocketAndSseBlocked_FallsBackToRest_AndTheDashboardShowsTheFallback()
    {
        // Arrange
        var chat = await OpenChatAsync();
        await chat.Page.RouteWebSocketAsync(ChatSocket, socket => _ = socket.CloseAsync(new() { Code = 1011, Reason = "blocked by test" }));
        await chat.Page.RouteAsync(SseStart, route => route.AbortAsync());
        await chat.SelectAgentAsync("claude");

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "rest");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "true");
        await AssertShowsRecordingAsync(chat, "claude");
        await AssertDashboardTraceAsync("chat rest", "claude", fallbackFrom: "sse");
    }

    [Fact(Skip = "Chance decides it: DCP's proxy picks the replica per connection, and a fresh-clone CI run sent all 20 resumes to one replica. Needs per-replica addresses; cross-replica resume is proven in Canvas.Tests (ReplicaTests, the chaos sample).")]
    public async Task AnswerStartedOnOneReplica_IsResumedOnTheOther_WholeAndExact()
    {
        // Arrange: the answer stalls upstream after its first chunks, so it is still running on the replica that
        // started it when the first resumes come. A tab talks to WebFrontend as the chat page does (cookie, SSE tier).
        using var cts = new CancellationTokenSource(Bound * (MaxResumeRounds + 2));
        stack.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 4) });
        var providerCallsBefore = stack.OpenAI.Requests.Count;
        using var tab = await BrowserSession.OpenAsync(stack.WebFrontend, Bound, cts.Token);

        // Act: start, and cut the stream once its meta came (the client has seq 0); the `chat sse` span ends with the
        // cut and names the replica that runs the answer.
        ChatStreamEvent meta;
        await using (var start = await ChatStream.StartAsync(tab, "gpt", cts.Token).WaitAsync(Bound, cts.Token))
        {
            meta = await start.ReadNextAsync(cts.Token).WaitAsync(Bound, cts.Token);
        }

        Assert.Equal("meta", meta.Type);

        var (started, _) = await stack.Telemetry.WaitForSpanAsync(
            span => span.Name == "chat sse" && span["canvas.generation.id"] == meta.GenerationId, Bound, cts.Token);
        var owner = started.Instance;

        // DCP's proxy picks a ChatApi replica per TCP connection and YARP reuses its connections, so where one resume
        // lands is chance. Resumes held open together need a connection each, which makes YARP open new ones; the
        // dashboard then says which replica served each. The rounds only bound the search for the other replica.
        var resumes = new List<ChatStream>();
        var resumers = new List<string>();
        var round = 0;
        try
        {
            while (!resumers.Any(instance => instance != owner) && ++round <= MaxResumeRounds)
            {
                var held = new List<ChatStream>();
                for (var i = 0; i < ConcurrentResumes; i++)
                {
                    var resume = await ChatStream.ResumeAsync(tab, meta.GenerationId, meta.Seq, cts.Token).WaitAsync(Bound, cts.Token);
                    held.Add(resume);
                    resumes.Add(resume);
                    // The deltas before the stall are stored, so each resume reads its first while the answer still
                    // runs (in the first round) and holds its connection open.
                    await resume.ReadNextAsync(cts.Token).WaitAsync(Bound, cts.Token);
                }

                stack.OpenAI.ReleaseStalledResponses();
                foreach (var resume in held)
                {
                    await resume.ReadToEndAsync(cts.Token).WaitAsync(Bound, cts.Token);
                }

                var (spans, _) = await stack.Telemetry.WaitForSpansAsync(
                    span => span.Name == "resume sse" && span["canvas.generation.id"] == meta.GenerationId,
                    resumes.Count, Bound, cts.Token);
                resumers = spans.Select(span => span.Instance).ToList();
            }

            // Assert: a resume ran on the replica that did not start the answer, which alone called the provider, once;
            // and every resume got the whole rest of the recorded answer: each event after the meta once, in order,
            // ending with `done`.
            Assert.Contains(resumers, instance => instance != owner);
            var (providerCall, _) = await stack.Telemetry.WaitForSpanAsync(
                span => span.TraceId == started.TraceId && span.ParentSpanId == started.SpanId && span.Attributes.ContainsKey("gen_ai.request.model"),
                Bound, cts.Token);
            Assert.Equal(owner, providerCall.Instance);
            Assert.Equal(providerCallsBefore + 1, stack.OpenAI.Requests.Count);
            var recording = Recordings.DefaultAnswerOf("gpt");
            foreach (var resume in resumes)
            {
                var tail = resume.Events;
                Assert.True(tail[^1].Type == "done", $"The resume ended with {tail[^1].Json}");
                Assert.Equal(Enumerable.Range(1, tail.Count).Select(seq => (long)seq), tail.Select(chatEvent => chatEvent.Seq));
                Assert.Equal(recording, string.Concat(tail.Select(chatEvent => chatEvent.Text)));
            }

            output.WriteLine($"Started on {owner}; resumed {resumes.Count} times in {round} round(s), on {string.Join(", ", resumers)}.");
        }
        finally
        {
            foreach (var resume in resumes)
            {
                await resume.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Dashboard_ListsEveryResourceRunning_AndShowsAChatTraceWithItsTierSpan()
    {
        // Arrange: one chat, so that the dashboard holds its trace.
        var chat = await OpenChatAsync();
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        var (tier, genAi) = await AssertDashboardTraceAsync("chat websocket", "gpt", fallbackFrom: null);
        var dashboard = await OpenDashboardAsync();

        // Act
        await dashboard.GotoAsync("/").WaitAsync(Bound);
        // Each resource's row in the grid (the two ChatApi replicas are rows of their own) shows it running.
        var rows = dashboard.GetByRole(AriaRole.Row);
        await Expect(rows.Filter(new() { HasText = "chatapi-" })).ToHaveCountAsync(2);
        foreach (var resource in new[] { "redis", "chatapi-", "webfrontend" })
        {
            foreach (var row in await rows.Filter(new() { HasText = resource }).AllAsync())
            {
                await Expect(row).ToContainTextAsync("Running");
            }
        }

        await SaveScreenshotAsync(dashboard, "dashboard-resources.png");
        await dashboard.GotoAsync($"/traces/detail/{tier.TraceId}").WaitAsync(Bound);

        // Assert
        await Expect(dashboard.GetByText(tier.Name).First).ToBeVisibleAsync();
        await Expect(dashboard.GetByText(genAi.Name).First).ToBeVisibleAsync();
        await SaveScreenshotAsync(dashboard, "dashboard-trace-chat-websocket.png");
    }

    /// <inheritdoc/>
    public Task InitializeAsync()
    {
        stack.ReportStartup(output);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync().WaitAsync(Bound);
        }
    }

    private async Task<ChatPage> OpenChatAsync([CallerMemberName] string test = "")
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = stack.WebFrontend.ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 720 },
        }).WaitAsync(Bound);
        _contexts.Add(context);
        var page = await context.NewPageAsync().WaitAsync(Bound);
        page.SetDefaultTimeout(30_000);
        page.PageError += (_, error) => output.WriteLine($"[{test} page error] {error}");

        var chat = new ChatPage(page);
        await chat.GotoAsync("/").WaitAsync(Bound);
        return chat;
    }

    private async Task<IPage> OpenDashboardAsync()
    {
        var context = await stack.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = stack.Dashboard.ToString(),
            ViewportSize = new ViewportSize { Width = 1600, Height = 900 },
        }).WaitAsync(Bound);
        _contexts.Add(context);
        var page = await context.NewPageAsync().WaitAsync(Bound);
        page.SetDefaultTimeout(30_000);
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, fileName) }).WaitAsync(Bound);
    }

    private static async Task AssertShowsRecordingAsync(ChatPage chat, string agentId)
    {
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf(agentId)), await chat.ShownTextAsync(chat.LastAnswer));
    }

    // The chat's trace on the dashboard: ChatApi's span named after the tier, with the tier (and the tier it fell back
    // from) as attributes, and under it the Microsoft.Extensions.AI `chat <model>` span with the GenAI attributes.
    private async Task<(DashboardSpan Tier, DashboardSpan GenAi)> AssertDashboardTraceAsync(string spanName, string agentId, string? fallbackFrom)
    {
        using var cts = new CancellationTokenSource(Bound);
        var (tier, spans) = await stack.Telemetry.WaitForSpanAsync(
            span => span.Name == spanName && span["canvas.agent.id"] == agentId && span["canvas.transport.fallback_from"] == fallbackFrom,
            Bound, cts.Token);

        Assert.Equal("chatapi", tier.Service);
        Assert.Equal(spanName["chat ".Length..], tier["canvas.transport"]);
        var genAi = Assert.Single(spans, span => span.TraceId == tier.TraceId && span.ParentSpanId == tier.SpanId && span.Name.StartsWith("chat ", StringComparison.Ordinal) && span.Attributes.ContainsKey("gen_ai.request.model"));
        Assert.NotNull(genAi["gen_ai.usage.output_tokens"]);
        output.WriteLine($"{spanName} ({agentId}) in trace {tier.TraceId} on {tier.Instance}; GenAI span '{genAi.Name}'.");
        return (tier, genAi);
    }
}
