using System.Text.Json;
using System.Text.RegularExpressions;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// A tab the user left in the background: hidden, then frozen by Chromium (no script runs, its socket may die), while
/// answers go on without it; shown again, it catches up with every answer exactly once.
/// </summary>
public sealed class HiddenTabBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    private const string ChatSocket = "**/api/chat/ws";
    private const string CountFixture = "chat_stream_gpt35_count.sse";

    [Fact]
    public async Task TabHiddenWhileAnotherTabAnswers_ShowsEveryAnswerExactlyOnce_WhenShownAgain()
    {
        // Arrange: a conversation with one answer, open in a tab whose socket the test can cut, and in a second tab.
        var hidden = await OpenChatAsync();
        var hiddenSocket = new TaskCompletionSource<IWebSocketRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
        await hidden.Page.RouteWebSocketAsync(ChatSocket, socket =>
        {
            socket.ConnectToServer();
            hiddenSocket.TrySetResult(socket);
        });
        await hidden.SelectAgentAsync("gpt");
        await hidden.SendAsync("Hello");
        await hidden.WaitForAnswerAsync();
        await Expect(hidden.Page).ToHaveURLAsync(new Regex("/c/c_"));
        var other = await OpenChatAsync(new Uri(hidden.Page.Url).PathAndQuery, hidden.Page.Context);
        await other.WaitForAnswerAsync();

        // Act: the first tab goes to the background and loses its socket; the second asks three more questions,
        // and the last answer is held half-way when the first tab comes back.
        await hidden.HideAsync();
        var socket = await hiddenSocket.Task.WaitAsync(BrowserHangGuard.Bound);
        await socket.CloseAsync(new() { Code = 1006, Reason = "tab frozen" }).WaitAsync(BrowserHangGuard.Bound);
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(CountFixture));
        await other.SendAsync("Count to five");
        await other.WaitForAnswerAsync(count: 2);
        await other.SendAsync("Say hello again");
        await other.WaitForAnswerAsync(count: 3);
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(CountFixture) with { Fault = StreamFault.Stall(afterChunks: 6) });
        await other.SendAsync("Count once more");
        await other.WaitForPartialAnswerAsync();
        await hidden.ShowAsync();

        // Assert
        await Expect(hidden.Answers).ToHaveCountAsync(4);
        await hidden.WaitForPartialAnswerAsync();
        Stack.Environment.OpenAI.ReleaseStalledResponses();
        await hidden.WaitForAnswerAsync(count: 4);
        await Expect(hidden.UserTexts)
            .ToHaveTextAsync(["Hello", "Count to five", "Say hello again", "Count once more"]);
        var (hello, count) = (Recordings.DefaultAnswerOf("gpt"), FixtureTranscript.OpenAI(CountFixture).Text);
        string[] recorded = [hello, count, hello, count];
        for (var i = 0; i < recorded.Length; i++)
        {
            Assert.Equal(await hidden.ExpectedShownTextAsync(recorded[i]), await hidden.ShownTextAsync(hidden.Answers.Nth(i)));
        }

        await Expect(hidden.Indicator).Not.ToHaveAttributeAsync("data-tier", "disconnected");
    }

    [Fact]
    public async Task TabHiddenWhileItsOwnAnswerStreams_FinishesTheAnswerExactlyOnce_WhenShownAgain()
    {
        // Arrange: a slow answer, caught mid-way, over a socket the test can cut.
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(CountFixture) with { ChunkDelay = TimeSpan.FromMilliseconds(100) });
        var chat = await OpenChatAsync();
        var chatSocket = new TaskCompletionSource<IWebSocketRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
        await chat.Page.RouteWebSocketAsync(ChatSocket, socket =>
        {
            socket.ConnectToServer();
            chatSocket.TrySetResult(socket);
        });
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Count to five");
        await chat.WaitForPartialAnswerAsync();
        await Expect(chat.Page).ToHaveURLAsync(new Regex("/c/c_"));
        var conversationId = new Uri(chat.Page.Url).Segments[^1];

        // Act: the tab goes to the background, its socket dies, and the answer ends on the server meanwhile.
        await chat.HideAsync();
        var socket = await chatSocket.Task.WaitAsync(BrowserHangGuard.Bound);
        await socket.CloseAsync(new() { Code = 1006, Reason = "tab frozen" }).WaitAsync(BrowserHangGuard.Bound);
        await WaitUntilAnsweredAsync(chat.Page.Context, conversationId);
        await chat.ShowAsync();

        // Assert
        await chat.WaitForAnswerAsync();
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(await chat.ExpectedShownTextAsync(FixtureTranscript.OpenAI(CountFixture).Text), await chat.ShownTextAsync(chat.LastAnswer));
        await Expect(chat.Indicator).Not.ToHaveAttributeAsync("data-tier", "disconnected");
    }

    // Asks the API through the frozen tab's profile (its cookie, so its user), not through the frozen page.
    private static async Task WaitUntilAnsweredAsync(IBrowserContext context, string conversationId)
    {
        using var deadline = new CancellationTokenSource(BrowserHangGuard.Bound);
        while (true)
        {
            var response = await context.APIRequest.GetAsync($"api/conversations/{conversationId}");
            Assert.True(response.Ok, $"GET conversation: {response.Status}");
            var conversation = await response.JsonAsync();
            if (conversation?.TryGetProperty("activeGenerationId", out var active) is not true || active.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }
}
