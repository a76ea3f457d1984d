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

    [Fact]
    public async Task AnswerStartedOnOneReplica_IsResumedOnTheOther_WholeAndExact()
    {
        // Arrange: each replica's own address and telemetry instance, from its resource snapshot. The answer stalls
        // upstream after its first chunks, so it is still running on the replica that started it when the resumes
        // come. A tab talks to WebFrontend as the chat page does (cookie, SSE tier).
        using var cts = new CancellationTokenSource(Bound * 4);
        var replicas = await stack.ChatApiReplicasAsync(cts.Token).WaitAsync(Bound, cts.Token);
        stack.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 4) });
        var providerCallsBefore = stack.OpenAI.Requests.Count;
        using var tab = await BrowserSession.OpenAsync(stack.WebFrontend, Bound, cts.Token);

        // Act: start through WebFrontend, and cut the stream once its meta came (the client has seq 0); the
        // `chat sse` span ends with the cut and names the replica that runs the answer, wherever DCP's proxy sent it.
        ChatStreamEvent meta;
        await using (var start = await SseChatStream.StartAsync(tab, "gpt", cts.Token).WaitAsync(Bound, cts.Token))
        {
            meta = await start.ReadNextAsync(cts.Token).WaitAsync(Bound, cts.Token);
        }

        Assert.Equal("meta", meta.Type);
        var (started, _) = await stack.Telemetry.WaitForSpanAsync(
            span => span.Name == "chat sse" && span["canvas.generation.id"] == meta.GenerationId, Bound, cts.Token);
        var owner = Assert.Single(replicas, replica => replica.InstanceId == started.Instance);
        var other = Assert.Single(replicas, replica => replica != owner);

        // Resume on the other replica's own address, and once more through WebFrontend as the chat page would. Each
        // reads its first event while the answer still stalls on the owner, then the owner's upstream goes on.
        await using var direct = await SocketChatStream.ResumeOnReplicaAsync(tab, other.Address, meta.GenerationId, meta.Seq, cts.Token)
            .WaitAsync(Bound, cts.Token);
        await direct.ReadNextAsync(cts.Token).WaitAsync(Bound, cts.Token);
        await using var proxied = await SseChatStream.ResumeAsync(tab, meta.GenerationId, meta.Seq, cts.Token).WaitAsync(Bound, cts.Token);
        await proxied.ReadNextAsync(cts.Token).WaitAsync(Bound, cts.Token);
        stack.OpenAI.ReleaseStalledResponses();
        await direct.ReadToEndAsync(cts.Token).WaitAsync(Bound, cts.Token);
        await proxied.ReadToEndAsync(cts.Token).WaitAsync(Bound, cts.Token);

        // Assert: the other replica served the direct resume; the owner alone called the provider, once; and each
        // resume got the whole rest of the recorded answer: every event after the meta once, in order, ending `done`.
        var (resumed, _) = await stack.Telemetry.WaitForSpanAsync(
            span => span.Name == "resume websocket" && span["canvas.generation.id"] == meta.GenerationId, Bound, cts.Token);
        Assert.Equal(other.InstanceId, resumed.Instance);
        var (providerCall, _) = await stack.Telemetry.WaitForSpanAsync(
            span => span.TraceId == started.TraceId && span.ParentSpanId == started.SpanId && span.Attributes.ContainsKey("gen_ai.request.model"),
            Bound, cts.Token);
        Assert.Equal(owner.InstanceId, providerCall.Instance);
        Assert.Equal(providerCallsBefore + 1, stack.OpenAI.Requests.Count);
        var recording = Recordings.DefaultAnswerOf("gpt");
        foreach (var tail in new[] { direct.Events, proxied.Events })
        {
            Assert.True(tail[^1].Type == "done", $"The resume ended with {tail[^1].Json}");
            Assert.Equal(Enumerable.Range(1, tail.Count).Select(seq => (long)seq), tail.Select(chatEvent => chatEvent.Seq));
            Assert.Equal(recording, string.Concat(tail.Select(chatEvent => chatEvent.Text)));
        }

        output.WriteLine($"Started on {owner}; resumed directly on {other}, and through WebFrontend.");
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
        var page = BrowserHangGuard.Apply(await context.NewPageAsync().WaitAsync(Bound));
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
        var page = BrowserHangGuard.Apply(await context.NewPageAsync().WaitAsync(Bound));
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
