using System.Text.Json.Nodes;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Canvas.Tests.WebFrontend;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Canvas.Tests.Browser;

/// <summary>
/// Issue 10 item 9: a chat server that refuses the sign-in, one that cannot be reached, and unreachable agents, each
/// told in plain words, with the indicator red until the server answers again.
/// </summary>
public sealed class ErrorDiagnosisBrowserTests(ChromiumFixture chromium, RedisServerFixture redis, BrowserChatStack stack, ITestOutputHelper output)
    : BrowserTest(chromium, redis, stack, output)
{
    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task FrontendSigningKeyNotTrusted_SaysTheChatServerRefusedTheSignIn_AndTheIndicatorIsRed(string screenName)
    {
        // Arrange: a frontend whose tokens the chat API does not trust.
        await using var frontend = await FrontendTestHost.StartInFrontOfAsync(Stack.ChatApi.BaseAddress, signingKey: "a-key-the-chat-api-does-not-trust-0123456789");

        // Act
        var chat = await OpenChatAsync(frontend.Address.ToString(), test: $"{nameof(FrontendSigningKeyNotTrusted_SaysTheChatServerRefusedTheSignIn_AndTheIndicatorIsRed)}({screenName})",
            screen: Screen.Named(screenName), waitUntilLoaded: false);

        // Assert
        await Expect(chat.Page.GetByTestId("load-error")).ToContainTextAsync("The chat server refused the sign-in");
        await Expect(chat.Page.GetByTestId("load-error")).Not.ToContainTextAsync("net_http");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "disconnected");
        await Expect(chat.Indicator).ToContainTextAsync("🔴");
        await chat.Page.Locator(".indicator-button").ClickAsync();
        await Expect(chat.Page.GetByTestId("fallback-reason")).ToContainTextAsync("refused the sign-in");
        await SaveScreenshotAsync(chat, $"error-sign-in-refused-{screenName}.png");
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task ChatApiDown_SaysTheChatServerCannotBeReached(string screenName)
    {
        // Arrange: a frontend in front of an address where nothing listens.
        await using var frontend = await FrontendTestHost.StartInFrontOfAsync(FrontendTestHost.NothingListening());

        // Act
        var chat = await OpenChatAsync(frontend.Address.ToString(), test: $"{nameof(ChatApiDown_SaysTheChatServerCannotBeReached)}({screenName})", screen: Screen.Named(screenName), waitUntilLoaded: false);

        // Assert
        await Expect(chat.Page.GetByTestId("load-error")).ToContainTextAsync("The chat server cannot be reached");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "disconnected");
        await chat.Page.Locator(".indicator-button").ClickAsync();
        await Expect(chat.Page.GetByTestId("fallback-reason")).ToContainTextAsync("cannot be reached");
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task ChatApiStopsMidSession_TheNextMessageSaysItCannotBeReached_AndTheIndicatorTurnsRed(string screenName)
    {
        // Arrange: a chat API of the test's own, in front of which the page loads and answers once. It stops as a
        // crashed one does, dropping the page's open WebSocket at once instead of waiting for it to close.
        var chatApi = Stack.Environment.StartInstance(configureServices: services => services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.Zero));
        await using var frontend = await FrontendTestHost.StartInFrontOfAsync(chatApi.BaseAddress);
        // The page's own periodic check is put off for ten minutes, past this test's waits: only the failed message can tell.
        var chat = await OpenChatAsync(new Uri(frontend.Address, "/?apiCheckEveryMs=600000").ToString(),
            test: $"{nameof(ChatApiStopsMidSession_TheNextMessageSaysItCannotBeReached_AndTheIndicatorTurnsRed)}({screenName})", screen: Screen.Named(screenName));
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "websocket");

        // Act: the chat API stops; the user asks again.
        await chatApi.DisposeAsync();
        await chat.SendAsync("Are you there?");

        // Assert: named at once
        await Expect(chat.Page.GetByTestId("load-error")).ToContainTextAsync("The chat server cannot be reached");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "disconnected");
        await Expect(chat.Indicator).ToContainTextAsync("🔴");
        await chat.Page.Locator(".indicator-button").ClickAsync();
        await Expect(chat.Page.GetByTestId("fallback-reason")).ToContainTextAsync("cannot be reached");
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task ChatApiBack_AfterAnOutage_ThePageRecoversByItself(string screenName)
    {
        // Arrange: the API answers 503 until the test lets it through.
        var down = true;
        var context = await NewContextAsync(Screen.Named(screenName));
        await context.RouteAsync("**/api/agents", route => down
            ? route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Body = """{"status":503,"title":"Service Unavailable"}""" })
            : route.ContinueAsync());
        var chat = await OpenChatAsync(context: context, test: $"{nameof(ChatApiBack_AfterAnOutage_ThePageRecoversByItself)}({screenName})", waitUntilLoaded: false);
        await Expect(chat.Page.GetByTestId("load-error")).ToContainTextAsync("cannot be reached");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "disconnected");

        // Act
        down = false;

        // Assert: within the watch's first retries, without a reload
        await Expect(chat.Page.GetByTestId("load-error")).ToHaveCountAsync(0);
        await Expect(chat.Indicator).Not.ToHaveAttributeAsync("data-tier", "disconnected");
        await chat.SelectAgentAsync("gpt");
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task OllamaNotRunning_TheApiFindsItInTheBackground_AndThePickerGreysItOutWithTheReasonAndPicksAnother(string screenName)
    {
        // Arrange: a chat API whose Ollama endpoint has nothing listening (Ollama is its first, default agent).
        var ollama = FrontendTestHost.NothingListening();
        var chatApi = Stack.Environment.StartInstance(new Dictionary<string, string?> { ["Canvas:Providers:Ollama:Endpoint"] = ollama.ToString() });
        await using var frontend = await FrontendTestHost.StartInFrontOfAsync(chatApi.BaseAddress);
        await UntilTheApiHasCheckedAsync(chatApi);

        // Act
        var chat = await OpenChatAsync(frontend.Address.ToString(), screen: Screen.Named(screenName),
            test: $"{nameof(OllamaNotRunning_TheApiFindsItInTheBackground_AndThePickerGreysItOutWithTheReasonAndPicksAnother)}({screenName})");

        // Assert
        var select = chat.Page.GetByTestId("agent-select");
        await Expect(select).ToHaveValueAsync("gpt");
        var local = select.Locator("option[value=local]");
        await Expect(local).ToBeDisabledAsync();
        await Expect(local).ToContainTextAsync($"unreachable: Ollama is not running at {ollama}");
        await Expect(select.Locator("option[value=gpt]")).ToBeEnabledAsync();
        await Expect(select.Locator("option[value=claude]")).ToBeEnabledAsync();
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task OllamaModelNotPulled_TheAnswerSaysWhichOllamaPullToRun_AndTheServerIsNotBlamed(string screenName)
    {
        // Arrange: Ollama answers 404 with its own body, model '…' not found.
        Stack.Environment.Ollama.Enqueue(FakeResponse.ModelNotFound());
        var chat = await OpenChatAsync(screen: Screen.Named(screenName), test: $"{nameof(OllamaModelNotPulled_TheAnswerSaysWhichOllamaPullToRun_AndTheServerIsNotBlamed)}({screenName})");
        await chat.SelectAgentAsync("local");

        // Act
        await chat.SendAsync("Hello");
        await chat.WaitForAnswerAsync();

        // Assert: the fix in the answer, another agent offered first, and the chat server and its tier still fine
        var error = chat.LastAnswer.GetByTestId("message-error");
        await Expect(error).ToContainTextAsync("The model llama3.2:1b is not pulled: run `ollama pull llama3.2:1b`.");
        await Expect(error).Not.ToContainTextAsync("Response status code");
        await Expect(error.Locator("button").First).ToHaveAttributeAsync("data-testid", "retry-with-other");
        await Expect(chat.Indicator).ToHaveAttributeAsync("data-tier", "sse");
        await Expect(chat.Page.GetByTestId("load-error")).ToHaveCountAsync(0);
    }

    // The API checks its providers at start-up in the background; the test waits for that first round.
    private static async Task UntilTheApiHasCheckedAsync(ChatApiHost chatApi)
    {
        using var client = chatApi.ClientFor("reachability-probe");
        using var deadline = new CancellationTokenSource(BrowserHangGuard.Bound);
        while (true)
        {
            var agents = JsonNode.Parse(await client.GetStringAsync("/api/agents", deadline.Token))!.AsArray();
            if (agents.All(agent => (string?)agent!["status"]?["state"] is "reachable" or "unreachable"))
            {
                return;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
