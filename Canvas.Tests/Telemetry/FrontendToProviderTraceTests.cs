using System.Diagnostics;
using System.Net;
using Canvas.Tests.Infrastructure;
using Canvas.Tests.WebFrontend;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Canvas.Tests.Telemetry;

/// <summary>
/// What the dashboard shows for one chat: a single trace from the request that reaches WebFrontend, through its proxy
/// call, ChatApi's request and its <c>chat &lt;tier&gt;</c> span, to the Microsoft.Extensions.AI span and the HTTP
/// call to the provider.
/// </summary>
/// <remarks>
/// Both services run in this process, each with its own tracer provider and in-memory exporter. Activity sources are
/// process-wide, so each provider may see the other's spans (and other tests' spans): spans are merged by id and found
/// by following parent ids from the chat span, never by position in a list.
/// </remarks>
public sealed class FrontendToProviderTraceTests : IAsyncLifetime
{
    // The OpenAI agent offers every tier (WebSocket, SSE, REST).
    private const string AgentId = "gpt";
    private const string Model = "gpt-4o-mini";
    private const string Prompt = "Count from 1 to 5";
    private static readonly TimeSpan SpanWait = TimeSpan.FromSeconds(10);

    private readonly ExportedSpans _frontendSpans = new();
    private readonly ExportedSpans _apiSpans = new();
    private readonly CookieContainer _cookies = new();
    private ChatEnvironment _environment = null!;
    private ChatApiHost _api = null!;
    private FrontendTestHost _frontend = null!;

    public async Task InitializeAsync()
    {
        _environment = await ChatEnvironment.StartAsync();
        _api = _environment.StartInstance(configureServices: services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_apiSpans)));
        _frontend = await FrontendTestHost.StartInFrontOfAsync(_api.BaseAddress, services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_frontendSpans)));
    }

    public async Task DisposeAsync()
    {
        await _frontend.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Theory]
    [InlineData("websocket", null)]
    [InlineData("sse", null)]
    [InlineData("sse", "websocket")]
    [InlineData("rest", "sse")]
    public async Task ChatThroughWebFrontend_IsOneTrace_FromTheFrontendRequestToTheProviderCall(string tier, string? fallbackFrom)
    {
        // Arrange
        using var browser = _frontend.CreateBrowserClient(_cookies);
        using var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // Act
        var generationId = await AskAsync(browser, tier, fallbackFrom);
        var trace = await TraceAsync(tier, generationId);

        // Assert
        Assert.All(
            [trace.FrontendRequest, trace.ProxyCall, trace.ApiRequest, trace.Chat, trace.GenAI, trace.ProviderCall],
            span => Assert.Equal(trace.Chat.TraceId, span.TraceId));

        AssertHttp(trace.FrontendRequest, ActivityKind.Server, _frontend.Address);
        AssertHttp(trace.ProxyCall, ActivityKind.Client, _api.BaseAddress);
        AssertHttp(trace.ApiRequest, ActivityKind.Server, _api.BaseAddress);

        Assert.Equal(tier, trace.Chat.GetTagItem("canvas.transport"));
        Assert.Equal(fallbackFrom, trace.Chat.GetTagItem("canvas.transport.fallback_from"));
        Assert.Equal(generationId, trace.Chat.GetTagItem("canvas.generation.id"));

        Assert.Equal($"chat {Model}", trace.GenAI.DisplayName);
        Assert.Equal(Model, trace.GenAI.GetTagItem("gen_ai.request.model"));

        AssertHttp(trace.ProviderCall, ActivityKind.Client, _environment.OpenAI.BaseAddress);
    }

    private async Task<string> AskAsync(HttpClient browser, string tier, string? fallbackFrom)
    {
        switch (tier)
        {
            case "websocket":
                // Closed before the spans are read: the upgrade requests' spans end with the socket.
                await using (var socket = await _frontend.ConnectChatSocketAsync(_cookies))
                {
                    return (await ChatDriver.AskOverWebSocketAsync(socket, AgentId, Prompt, fallbackFrom: fallbackFrom))[0].GenerationId;
                }

            case "sse":
                return (await ChatDriver.AskOverSseAsync(browser, AgentId, Prompt, fallbackFrom: fallbackFrom))[0].GenerationId;
            default:
                var (answer, problem) = await ChatDriver.AskOverRestAsync(browser, AgentId, Prompt, fallbackFrom: fallbackFrom);
                Assert.True(answer is not null, problem?.ToJsonString());
                return answer.GenerationId;
        }
    }

    private static void AssertHttp(Activity span, ActivityKind kind, Uri server)
    {
        Assert.Equal(kind, span.Kind);
        Assert.Equal(kind == ActivityKind.Server ? "Microsoft.AspNetCore" : "System.Net.Http", span.Source.Name);
        Assert.Equal(server.Port, span.GetTagItem("server.port"));
    }

    // Spans are exported when they end; the outer requests end just after the last byte reached the client.
    private async Task<ChatTrace> TraceAsync(string tier, string generationId)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var spans = Exported();
            if (ChatTrace.Find(spans, $"chat {tier}", generationId) is { } trace)
            {
                return trace;
            }

            if (deadline.Elapsed > SpanWait)
            {
                var chat = spans.Values.FirstOrDefault(span => (string?)span.GetTagItem("canvas.generation.id") == generationId);
                var related = chat is null ? spans.Values : spans.Values.Where(span => span.TraceId == chat.TraceId);
                throw new Xunit.Sdk.XunitException(
                    $"No complete chain for generation {generationId}. Spans{(chat is null ? "" : " of its trace")}:{Environment.NewLine}"
                    + string.Join(Environment.NewLine, related.Select(Describe)));
            }

            await Task.Delay(50);
        }
    }

    private Dictionary<ActivitySpanId, Activity> Exported()
    {
        var spans = new Dictionary<ActivitySpanId, Activity>();
        foreach (var span in _frontendSpans.Snapshot().Concat(_apiSpans.Snapshot()))
        {
            spans.TryAdd(span.SpanId, span);
        }

        return spans;
    }

    private static string Describe(Activity span) =>
        $"  {span.DisplayName} [{span.Source.Name}, {span.Kind}] trace {span.TraceId} span {span.SpanId} parent {span.ParentSpanId} port {span.GetTagItem("server.port")}";

    /// <summary>The chain of spans one chat request makes, outermost first.</summary>
    private sealed record ChatTrace(
        Activity FrontendRequest, Activity ProxyCall, Activity ApiRequest, Activity Chat, Activity GenAI, Activity ProviderCall)
    {
        public static ChatTrace? Find(IReadOnlyDictionary<ActivitySpanId, Activity> spans, string chatName, string generationId)
        {
            var chat = spans.Values.FirstOrDefault(span =>
                span.DisplayName == chatName && (string?)span.GetTagItem("canvas.generation.id") == generationId);
            var apiRequest = ParentOf(chat);
            var proxyCall = ParentOf(apiRequest);
            var frontendRequest = ParentOf(proxyCall);
            var genAI = ChildOf(chat, span => span.Source.Name.Contains("Microsoft.Extensions.AI", StringComparison.Ordinal));
            var providerCall = ChildOf(genAI, span => span.Source.Name == "System.Net.Http");

            return chat is null || apiRequest is null || proxyCall is null || frontendRequest is null || genAI is null || providerCall is null
                ? null
                : new ChatTrace(frontendRequest, proxyCall, apiRequest, chat, genAI, providerCall);

            Activity? ParentOf(Activity? span) =>
                span is not null && spans.TryGetValue(span.ParentSpanId, out var parent) ? parent : null;

            Activity? ChildOf(Activity? span, Func<Activity, bool> matches) =>
                span is null ? null : spans.Values.FirstOrDefault(child => child.ParentSpanId == span.SpanId && matches(child));
        }
    }
}
