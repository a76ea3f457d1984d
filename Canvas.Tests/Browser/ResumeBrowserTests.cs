using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>An answer followed across a reload and across tabs, from a slow upstream so that it is caught mid-way.</summary>
public sealed class ResumeBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    private const string SlowFixture = "chat_stream_gpt35_count.sse";
    private static readonly TimeSpan SlowChunkDelay = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task ReloadMidAnswer_ResumesTheAnswer_WithTheRecordedTextExactlyOnce()
    {
        // Arrange
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(SlowFixture) with { ChunkDelay = SlowChunkDelay });
        var chat = await OpenChatAsync();
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Count to five");
        await chat.WaitForPartialAnswerAsync();

        // Act
        await chat.ReloadAsync();
        await chat.WaitForAnswerAsync();

        // Assert
        await Expect(chat.UserTexts).ToHaveTextAsync(["Count to five"]);
        await Expect(chat.Answers).ToHaveCountAsync(1);
        Assert.Equal(await chat.ExpectedShownTextAsync(FixtureTranscript.OpenAI(SlowFixture).Text), await chat.ShownTextAsync(chat.LastAnswer));
    }

    [Fact]
    public async Task SecondTabOpenedMidAnswer_FindsTheAnswerThroughTheConversation_AndShowsItLive()
    {
        // Arrange: the upstream holds the answer half-way until the second tab has shown it. The second tab (same
        // browser profile, so the same user) is loaded beforehand and goes to the conversation in the client, as a
        // click on it in the list does: booting the client under load could outlast the upstream's idle timeout (5 s).
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(SlowFixture) with { Fault = StreamFault.Stall(afterChunks: 6) });
        var first = await OpenChatAsync();
        var second = await OpenChatAsync(context: first.Page.Context);
        await first.SelectAgentAsync("gpt");
        await first.SendAsync("Count to five");
        await first.WaitForPartialAnswerAsync();

        // Act
        await second.Page.EvaluateAsync("path => Blazor.navigateTo(path)", new Uri(first.Page.Url).PathAndQuery);
        await second.WaitForPartialAnswerAsync();
        Stack.Environment.OpenAI.ReleaseStalledResponses();

        // Assert
        await second.WaitForAnswerAsync();
        await first.WaitForAnswerAsync();
        var expected = await second.ExpectedShownTextAsync(FixtureTranscript.OpenAI(SlowFixture).Text);
        Assert.Equal(expected, await second.ShownTextAsync(second.LastAnswer));
        Assert.Equal(expected, await first.ShownTextAsync(first.LastAnswer));
        await Expect(second.Answers).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task TabAlreadyOpenOnTheConversation_ShowsTheOtherTabsNewAnswerLive()
    {
        // Arrange: a conversation with one answer, open in two tabs.
        var first = await OpenChatAsync();
        await first.SelectAgentAsync("gpt");
        await first.SendAsync("Hello");
        await first.WaitForAnswerAsync();
        await Expect(first.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/c/c_"));
        var second = await OpenChatAsync(new Uri(first.Page.Url).PathAndQuery, first.Page.Context);
        await second.WaitForAnswerAsync();
        Stack.Environment.OpenAI.Enqueue(FakeResponse.Fixture(SlowFixture) with { ChunkDelay = SlowChunkDelay });

        // Act
        await first.SendAsync("Count to five");

        // Assert
        await Expect(second.Answers).ToHaveCountAsync(2);
        await second.WaitForPartialAnswerAsync();
        await Expect(second.UserTexts).ToHaveTextAsync(["Hello", "Count to five"]);
        await second.WaitForAnswerAsync(count: 2);
        Assert.Equal(
            await second.ExpectedShownTextAsync(FixtureTranscript.OpenAI(SlowFixture).Text),
            await second.ShownTextAsync(second.LastAnswer));
    }
}
