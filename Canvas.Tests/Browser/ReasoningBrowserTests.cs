using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// Issue 10 item 6: reasoning (Anthropic's thinking blocks, Ollama's <c>thinking</c>) streams live into a collapsed
/// "Thinking…" section, then shows how long it took.
/// </summary>
/// <remarks>
/// Abstract, with a class per screen: each gets its own stack, because a fake upstream's stall, once released, lets
/// every later response of that fake through (each test here stalls a different fake).
/// </remarks>
public abstract class ReasoningBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output, Screen screen)
    : BrowserTest(chromium, redis, stack, output)
{
    [Fact]
    public Task AnthropicThinking_ShowsLiveCollapsed_ThenItsDuration_AndTheAnswerIsUnchanged() =>
        ShowsReasoningAsync(Stack.Environment.Anthropic, "claude", "messages_stream_thinking.sse", FixtureTranscript.Anthropic, stallAfterChunks: 8,
            "This is a straightforward question", "anthropic");

    [Fact]
    public Task OllamaThinking_ShowsLiveCollapsed_ThenItsDuration_AndTheAnswerIsUnchanged() =>
        ShowsReasoningAsync(Stack.Environment.Ollama, "local", "chat_stream_thinking_cloud.ndjson", FixtureTranscript.Ollama, stallAfterChunks: 4,
            "User asks", "ollama");

    private async Task ShowsReasoningAsync(
        FakeUpstreamServer upstream, string agentId, string fixture, Func<string, FixtureTranscript> transcriptOf, int stallAfterChunks,
        string firstThoughts, string provider)
    {
        // Arrange: the provider's recording with reasoning, held after its first reasoning deltas.
        upstream.Enqueue(FakeResponse.Fixture(fixture) with { Fault = StreamFault.Stall(stallAfterChunks) });
        var chat = await OpenChatAsync(screen: screen, test: $"{provider}-reasoning");
        await chat.SelectAgentAsync(agentId);
        var reasoning = chat.LastAnswer.GetByTestId("reasoning");
        var transcript = transcriptOf(fixture);

        // Act + Assert: live, collapsed, before any answer text
        await chat.SendAsync("How do I cross a street safely?");
        await Expect(reasoning).ToHaveAttributeAsync("data-live", "true");
        await Expect(reasoning.GetByTestId("reasoning-summary")).ToHaveTextAsync("Thinking…");
        await Expect(reasoning).Not.ToHaveAttributeAsync("open", "");
        await Expect(reasoning.GetByTestId("reasoning-text")).ToContainTextAsync(firstThoughts);
        await Expect(chat.LastAnswer.GetByTestId("message-text")).ToHaveCountAsync(0);
        upstream.ReleaseStalledResponses();
        await chat.WaitForAnswerAsync();

        // Done: its duration, the whole reasoning on opening it, and the answer's own text without it
        await Expect(reasoning.GetByTestId("reasoning-summary")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Thought for \d+(\.\d)? s$"));
        await reasoning.GetByTestId("reasoning-summary").ClickAsync();
        await Expect(reasoning.GetByTestId("reasoning-text")).ToHaveTextAsync(transcript.Reasoning);
        Assert.Equal(await chat.ExpectedShownTextAsync(transcript.Text), await chat.ShownTextAsync(chat.LastAnswer));
        if (provider == "anthropic")
        {
            await SaveScreenshotAsync(chat, screen.Mobile ? "reasoning-mobile.png" : "reasoning-desktop.png");
        }

        // Kept with the conversation
        await chat.ReloadAsync();
        await Expect(chat.LastAnswer.GetByTestId("reasoning-summary")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Thought for "));
    }
}

/// <summary>Reasoning at 390×844.</summary>
public sealed class ReasoningOnAPhoneBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : ReasoningBrowserTests(chromium, redis, stack, output, Screen.Phone);

/// <summary>Reasoning at 1280×800.</summary>
public sealed class ReasoningOnADesktopBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : ReasoningBrowserTests(chromium, redis, stack, output, Screen.Desktop);
