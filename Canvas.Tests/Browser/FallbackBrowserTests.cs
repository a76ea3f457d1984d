using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Canvas.Tests.WebFrontend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// The network failing under the browser, as Playwright's routing makes it fail: a WebSocket that is accepted and
/// then closed, or cut in the middle of an answer, event streams that cannot be opened, and everything at once.
/// </summary>
public sealed class FallbackBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    private const string ChatSocket = "**/api/chat/ws";
    private const string SseStart = "**/api/chat/sse";
    private const string RestStart = "**/api/chat";

    [Fact]
    public async Task WebSocketClosedOnConnect_FallsBackToSse_AndShowsTheWholeAnswerOnce()
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
        await Expect(chat.IndicatorLabel).ToHaveTextAsync("SSE fallback");
        await Expect(chat.Indicator).ToContainTextAsync("🔵");
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf("gpt")), await chat.ShownTextAsync(chat.LastAnswer));
        await chat.IndicatorLabel.ClickAsync();
        await Expect(chat.Page.GetByTestId("fallback-reason")).ToContainTextAsync("The WebSocket was accepted and then closed");
        await SaveScreenshotAsync(chat, "indicator-sse-fallback.png");
    }

    [Fact]
    public async Task WebSocketRefused_FallsBackToSse_AndSaysItCouldNotBeOpened_NotThatItWasClosed()
    {
        // Arrange: a frontend that answers every upgrade with 403, as a proxy that blocks WebSockets does.
        await using var frontend = await FrontendTestHost.StartInFrontOfAsync(
            Stack.ChatApi.BaseAddress, services => services.AddTransient<IStartupFilter, RefuseWebSocketUpgrades>());
        var chat = await OpenChatAsync(frontend.Address.ToString());
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "sse");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "true");
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf("gpt")), await chat.ShownTextAsync(chat.LastAnswer));
        await chat.IndicatorLabel.ClickAsync();
        await Expect(chat.Page.GetByTestId("fallback-reason")).ToContainTextAsync("The WebSocket could not be opened");
        await Expect(chat.Page.GetByTestId("fallback-reason")).Not.ToContainTextAsync("accepted");
    }

    [Fact]
    public async Task WebSocketAndSseBlocked_FallsBackToRest_AndShowsTheWholeAnswer()
    {
        // Arrange
        var chat = await OpenChatAsync();
        await chat.Page.RouteWebSocketAsync(ChatSocket, socket => _ = socket.CloseAsync(new() { Code = 1011, Reason = "blocked by test" }));
        await chat.Page.RouteAsync(SseStart, route => route.AbortAsync());
        await chat.SelectAgentAsync("claude");

        // Act
        await chat.SendAsync("Count to five");
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "rest");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "true");
        await Expect(chat.IndicatorLabel).ToHaveTextAsync("REST");
        await Expect(chat.Indicator).ToContainTextAsync("🟡");
        await Expect(chat.LastAnswer.GetByTestId("message-stats")).ToHaveAttributeAsync("data-tier", "rest");
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf("claude")), await chat.ShownTextAsync(chat.LastAnswer));
        await chat.IndicatorLabel.ClickAsync();
        await SaveScreenshotAsync(chat, "indicator-rest.png");
    }

    [Fact]
    public async Task RestInAnExistingConversation_ShowsTheAnswerGrowingBeforeItIsComplete()
    {
        // Arrange: a conversation with one answer, then WebSocket (the open one included) and SSE blocked, and a
        // slow upstream.
        var blocked = false;
        IWebSocketRoute? openSocket = null;
        var chat = await OpenChatAsync();
        await chat.Page.RouteWebSocketAsync(ChatSocket, socket =>
        {
            if (blocked)
            {
                _ = socket.CloseAsync(new() { Code = 1011, Reason = "blocked by test" });
                return;
            }

            socket.ConnectToServer();
            openSocket = socket;
        });
        await chat.Page.RouteAsync(SseStart, route => blocked ? route.AbortAsync() : route.ContinueAsync());
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        blocked = true;
        await openSocket!.CloseAsync(new() { Code = 1001, Reason = "network changed" });
        const string Fixture = "chat_stream_gpt35_count.sse";
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(Fixture) with { Fault = StreamFault.Stall(afterChunks: 6) });

        // Act
        await chat.SendAsync("Count to five");
        await chat.WaitForPartialAnswerAsync();
        Stack.Environment.OpenAI.ReleaseStalledResponses();
        await chat.WaitForAnswerAsync(count: 2);

        // Assert
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "rest");
        await Expect(chat.LastAnswer.GetByTestId("message-stats")).ToHaveAttributeAsync("data-tier", "rest");
        Assert.Equal(await chat.ExpectedShownTextAsync(FixtureTranscript.OpenAI(Fixture).Text), await chat.ShownTextAsync(chat.LastAnswer));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task WebSocketCutAfterSomeEvents_ResumesOverSse_WithTheRecordedTextExactlyOnce(int forwardedEvents)
    {
        // Arrange: a slow upstream, and a socket that passes the first server messages and then drops.
        const string Fixture = "chat_stream_gpt35_count.sse";
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(Fixture) with { ChunkDelay = TimeSpan.FromMilliseconds(80) });
        var chat = await OpenChatAsync(test: $"{nameof(WebSocketCutAfterSomeEvents_ResumesOverSse_WithTheRecordedTextExactlyOnce)}({forwardedEvents})");
        var cut = new WebSocketCut(forwardedEvents);
        await chat.Page.RouteWebSocketAsync(ChatSocket, cut.Handle);
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync("Count to five");
        await cut.Happened.WaitAsync(BrowserHangGuard.Bound);
        var shownBeforeCut = (await chat.ExpectedShownTextAsync(cut.ForwardedText)).Length;
        await chat.Page.WaitForFunctionAsync(
            "length => { const answers = document.querySelectorAll('[data-testid=message][data-role=assistant] [data-testid=message-text]');"
            + " return answers.length > 0 && answers[answers.length - 1].textContent.length > length; }",
            shownBeforeCut, new() { PollingInterval = 5 });
        var failureToText = Stopwatch.GetElapsedTime(cut.At);
        await chat.WaitForAnswerAsync();

        // Assert
        Output.WriteLine($"WebSocket cut after {forwardedEvents} server messages: {failureToText.TotalMilliseconds:0} ms from the cut to new text shown over SSE.");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "sse");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-fallback", "true");
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(await chat.ExpectedShownTextAsync(FixtureTranscript.OpenAI(Fixture).Text), await chat.ShownTextAsync(chat.LastAnswer));
    }

    [Fact]
    public async Task EveryTierBlocked_ShowsDisconnected_ThenAnswersOnceTheNetworkIsBack()
    {
        // Arrange
        const string Prompt = "Hello after the outage";
        var blocked = true;
        var chat = await OpenChatAsync();
        await chat.Page.RouteWebSocketAsync(ChatSocket, socket =>
        {
            if (blocked)
            {
                _ = socket.CloseAsync(new() { Code = 1011, Reason = "blocked by test" });
            }
            else
            {
                socket.ConnectToServer();
            }
        });
        await chat.Page.RouteAsync(SseStart, route => blocked ? route.AbortAsync() : route.ContinueAsync());
        await chat.Page.RouteAsync(RestStart, route => blocked ? route.AbortAsync() : route.ContinueAsync());
        await chat.SelectAgentAsync("gpt");

        // Act
        await chat.SendAsync(Prompt);
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "disconnected");
        await Expect(chat.IndicatorLabel).ToHaveTextAsync("Disconnected");
        await Expect(chat.Indicator).ToContainTextAsync("🔴");
        await chat.IndicatorLabel.ClickAsync();
        await SaveScreenshotAsync(chat, "indicator-disconnected.png");
        blocked = false;
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(await chat.ExpectedShownTextAsync(Recordings.DefaultAnswerOf("gpt")), await chat.ShownTextAsync(chat.LastAnswer));
        Assert.Single(Stack.Environment.OpenAI.Requests, request => request.Body.Contains(Prompt, StringComparison.Ordinal));
    }

    /// <summary>Answers every WebSocket upgrade with 403 before the frontend sees it.</summary>
    private sealed class RefuseWebSocketUpgrades : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.Upgrade.Any(value => string.Equals(value, "websocket", StringComparison.OrdinalIgnoreCase)))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>
    /// Routes the first chat socket to the server and drops it (both ends) when the server sends more than
    /// <c>forwardedEvents</c> messages; later sockets pass through untouched.
    /// </summary>
    private sealed class WebSocketCut(int forwardedEvents)
    {
        private readonly TaskCompletionSource _happened = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _forwardedText = new();
        private int _sockets;
        private int _forwarded;

        public Task Happened => _happened.Task;

        public long At { get; private set; }

        public string ForwardedText => _forwardedText.ToString();

        public void Handle(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            if (Interlocked.Increment(ref _sockets) > 1)
            {
                return;
            }

            server.OnMessage(frame =>
            {
                if (_happened.Task.IsCompleted)
                {
                    return;
                }

                if (_forwarded++ < forwardedEvents)
                {
                    using var message = JsonDocument.Parse(frame.Text ?? "{}");
                    if (message.RootElement.TryGetProperty("text", out var text))
                    {
                        _forwardedText.Append(text.GetString());
                    }

                    page.Send(frame.Text!);
                    return;
                }

                At = Stopwatch.GetTimestamp();
                _ = page.CloseAsync(new() { Code = 1011, Reason = "cut by test" });
                _ = server.CloseAsync();
                _happened.TrySetResult();
            });
        }
    }
}
