using System.Text.Json.Nodes;
using Canvas.Tests.Infrastructure;
using Canvas.Tests.WebFrontend;
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
    public async Task UnreachableAgent_IsGreyedOutWithItsReason_AndNotPickedByDefault(string screenName)
    {
        // Arrange: the API reports the first agent (Ollama) unreachable.
        const string Reason = "Ollama is not running at http://localhost:11434";
        var context = await NewContextAsync(Screen.Named(screenName));
        await context.RouteAsync("**/api/agents", async route =>
        {
            var response = await route.FetchAsync();
            var agents = JsonNode.Parse(await response.TextAsync())!.AsArray();
            foreach (var agent in agents)
            {
                var unreachable = (string?)agent!["id"] == "local";
                agent["status"] = new JsonObject { ["state"] = unreachable ? "unreachable" : "reachable", ["reason"] = unreachable ? Reason : null };
            }

            await route.FulfillAsync(new() { Response = response, Body = agents.ToJsonString() });
        });

        // Act
        var chat = await OpenChatAsync(context: context, test: $"{nameof(UnreachableAgent_IsGreyedOutWithItsReason_AndNotPickedByDefault)}({screenName})");

        // Assert
        var select = chat.Page.GetByTestId("agent-select");
        await Expect(select).Not.ToHaveValueAsync("local");
        var local = select.Locator("option[value=local]");
        await Expect(local).ToBeDisabledAsync();
        await Expect(local).ToContainTextAsync(Reason);
        await Expect(select.Locator("option[value=gpt]")).ToBeEnabledAsync();
    }
}
