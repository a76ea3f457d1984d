using Bunit;
using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Components;
using Canvas.WebFrontend.Client.Session;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

public sealed class ChatControlsTests : BunitContext
{
    private static readonly AgentInfo[] Agents =
    [
        new("local", "Local", "ollama", "llama3.2:1b", ["sse", "rest"], null),
        new("gpt", "GPT", "openai", "gpt-4o-mini", ["websocket", "sse", "rest"], null),
    ];

    // The components' own script calls (focus, Enter, scroll-follow, clipboard) are the browser tests' business.
    public ChatControlsTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    [Fact]
    public void ChatInput_WhileStreaming_ShowsStopThatRaisesOnStop()
    {
        var stopped = 0;
        var input = Render<ChatInput>(parameters => parameters
            .Add(p => p.IsStreaming, true)
            .Add(p => p.OnStop, () => stopped++));

        input.Find("[data-testid=stop-button]").Click();

        Assert.Equal(1, stopped);
        Assert.Empty(input.FindAll("[data-testid=send-button]"));
    }

    [Fact]
    public void ChatInput_Idle_SendsTheTypedMessageAndClearsTheBox()
    {
        string? sent = null;
        var input = Render<ChatInput>(parameters => parameters
            .Add(p => p.IsStreaming, false)
            .Add(p => p.OnSend, (string text) => sent = text));

        input.Find("textarea").Input("Tell me a joke");
        input.Find("form").Submit();

        Assert.Equal("Tell me a joke", sent);
        Assert.Equal("", input.Find("textarea").GetAttribute("value") ?? "");
        Assert.Empty(input.FindAll("[data-testid=stop-button]"));
    }

    [Fact]
    public void ChatInput_WhileStreaming_SubmitSendsNothing()
    {
        string? sent = null;
        var input = Render<ChatInput>(parameters => parameters
            .Add(p => p.IsStreaming, true)
            .Add(p => p.OnSend, (string text) => sent = text));

        input.Find("textarea").Input("second message");
        input.Find("form").Submit();

        Assert.Null(sent);
    }

    [Fact]
    public void MessageItem_RetryableError_ShowsRetryThatRaisesOnRetryWithTheMessage()
    {
        var failed = new MessageView("assistant", "Partial") { Error = "The upstream is unavailable.", CanRetry = true, Prompt = "hi" };
        (MessageView Message, string? AgentId)? retried = null;
        var item = Render<MessageItem>(parameters => parameters
            .Add(p => p.Message, failed)
            .Add(p => p.Actions, Handlers(retry: (message, agentId) => retried = (message, agentId))));

        item.Find("[data-testid=retry-button]").Click();

        Assert.Equal((failed, (string?)null), retried);
        Assert.Contains("The upstream is unavailable.", item.Find("[data-testid=message-error]").TextContent);
    }

    [Fact]
    public void MessageItem_ErrorThatRetryCannotFix_ShowsNoRetry()
    {
        var failed = new MessageView("assistant") { Error = "Unknown agent.", CanRetry = false };

        var item = Render<MessageItem>(parameters => parameters.Add(p => p.Message, failed).Add(p => p.Actions, Handlers()));

        Assert.Empty(item.FindAll("[data-testid=retry-button]"));
    }

    [Fact]
    public void MessageItem_FinishedAnswer_ShowsTierTimeToFirstTokenAndRate()
    {
        var answer = new MessageView("assistant", "Done.")
        {
            Tier = TransportTier.Sse,
            TimeToFirstToken = TimeSpan.FromMilliseconds(180),
            TokensPerSecond = 42.5,
            FinishReason = "stop",
        };

        var item = Render<MessageItem>(parameters => parameters.Add(p => p.Message, answer).Add(p => p.Actions, Handlers()));

        var stats = item.Find("[data-testid=message-stats]");
        Assert.Equal("sse", stats.GetAttribute("data-tier"));
        Assert.Contains("180 ms", stats.TextContent);
        Assert.Contains("42.5 tokens/s", stats.TextContent);
    }

    [Fact]
    public void AgentPicker_WithAnAgentSelected_ShowsItsProviderBadge()
    {
        var picker = Render<AgentPicker>(parameters => parameters
            .Add(p => p.Agents, Agents)
            .Add(p => p.SelectedAgentId, "gpt"));

        var badge = picker.Find("[data-testid=provider-badge]");
        Assert.Equal("openai", badge.GetAttribute("data-provider"));
        Assert.Equal("OpenAI", badge.TextContent);
    }

    [Fact]
    public void ConversationItem_UpdatedOnAnEarlierDay_ShowsTheDayAndItsAgent_AndTodaysShowTheTime()
    {
        var earlier = new ConversationSummary("c_1", "gpt", "Trip to Lisbon", DateTimeOffset.Parse("2025-03-14T12:00:00Z"), DateTimeOffset.Parse("2025-03-14T12:00:00Z"));
        var today = earlier with { Id = "c_2", UpdatedAt = DateTimeOffset.Now };

        var old = Render<ConversationItem>(parameters => parameters.Add(p => p.Conversation, earlier).Add(p => p.IsCurrent, false).Add(p => p.AgentName, "GPT"));
        var recent = Render<ConversationItem>(parameters => parameters.Add(p => p.Conversation, today).Add(p => p.IsCurrent, false).Add(p => p.AgentName, "GPT"));

        Assert.Matches(@"^1[45] \S+ 2025 · GPT$", old.Find("[data-testid=conversation-meta]").TextContent);
        Assert.Matches(@"^\d\d:\d\d · GPT$", recent.Find("[data-testid=conversation-meta]").TextContent);
    }

    private static MessageActionHandlers Handlers(Action<MessageView, string?>? retry = null, Func<MessageView, bool>? canRework = null) => new(
        Agents,
        canRework ?? (_ => false),
        (_, _) => Task.CompletedTask,
        (_, _) => Task.CompletedTask,
        (message, agentId) =>
        {
            retry?.Invoke(message, agentId);
            return Task.CompletedTask;
        });
}
