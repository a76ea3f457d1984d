using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>Issue 10 item 2: the view follows a streaming answer until the user scrolls up, then offers "Jump to latest".</summary>
/// <remarks>
/// Abstract, with a class per screen: each gets its own stack, because a fake upstream's stall, once released, lets
/// every later response of that fake through.
/// </remarks>
public abstract class StreamFollowBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output, Screen screen)
    : BrowserTest(chromium, redis, stack, output)
{
    private const int Lines = 120;

    [Fact]
    public async Task LongAnswer_FollowsWhileStreaming_StopsWhenScrolledUp_AndJumpsBackToTheLatest()
    {
        // Arrange: a long answer whose upstream stalls two thirds in, so the checks happen mid-stream.
        var deltas = Enumerable.Range(1, Lines).Select(line => $"Line {line} of the answer.\n\n");
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Raw(OpenAIStreams.Of(deltas), "text/event-stream") with { Fault = StreamFault.Stall(afterChunks: 80) });
        var chat = await OpenChatAsync(screen: screen);
        await chat.SelectAgentAsync("gpt");
        var jump = chat.Page.GetByTestId("jump-to-latest");

        // Act + Assert: following while it streams
        await chat.SendAsync("Write a long answer");
        await Expect(chat.LastAnswer.GetByTestId("message-text")).ToContainTextAsync("Line 79 of");
        await Expect(chat.LastAnswer).ToHaveAttributeAsync("data-streaming", "true");
        Assert.InRange(await chat.DistanceFromBottomAsync(), 0, 40);
        await Expect(jump).Not.ToBeVisibleAsync();

        // The user scrolls up: the view stays where they put it while the answer goes on, and offers the way back.
        await chat.MessageList.HoverAsync();
        await chat.Page.Mouse.WheelAsync(0, -1500);
        await Expect(jump).ToBeVisibleAsync();
        var scrolledTo = await chat.MessageList.EvaluateAsync<double>("list => list.scrollTop");
        Stack.Environment.OpenAI.ReleaseStalledResponses();
        await chat.WaitForAnswerAsync();
        Assert.Equal(scrolledTo, await chat.MessageList.EvaluateAsync<double>("list => list.scrollTop"), 1.0);
        Assert.True(await chat.DistanceFromBottomAsync() > 200);

        await jump.ClickAsync();
        await Expect(jump).Not.ToBeVisibleAsync();
        Assert.InRange(await chat.DistanceFromBottomAsync(), 0, 40);
    }
}

/// <summary>The stream following itself at 390×844.</summary>
public sealed class StreamFollowOnAPhoneBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : StreamFollowBrowserTests(chromium, redis, stack, output, Screen.Phone);

/// <summary>The stream following itself at 1280×800.</summary>
public sealed class StreamFollowOnADesktopBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : StreamFollowBrowserTests(chromium, redis, stack, output, Screen.Desktop);
