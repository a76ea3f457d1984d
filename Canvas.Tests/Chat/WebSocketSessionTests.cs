using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>One socket carries many answers, and Stop travels on it.</summary>
public sealed class WebSocketSessionTests : ChatApiTest
{
    [Fact]
    public async Task TwoAnswersAtOnceOnOneSocket_EachArrivesWholeAndInOrder()
    {
        // Arrange
        Environment.OpenAI.Enqueue(FakeResponse.Default with { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        Environment.Anthropic.Enqueue(FakeResponse.Default with { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendAsync(new { type = "start", requestId = "a", agentId = "gpt", message = "Count from 1 to 5" });
        await socket.SendAsync(new { type = "start", requestId = "b", agentId = "claude", message = "Count from 1 to 5" });
        var received = new List<GenerationEvent>();
        while (received.Count(e => e.IsTerminal) < 2)
        {
            received.Add(ChatDriver.ToEvent((await socket.ReceiveAsync())!));
        }

        // Assert
        var answers = received.GroupBy(e => e.GenerationId).ToDictionary(g => ((MetaEvent)g.First()).AgentId, g => g.ToList());
        ChatDriver.AssertWellFormed(answers["gpt"]);
        ChatDriver.AssertWellFormed(answers["claude"]);
        Assert.Equal(FixtureTranscript.OpenAI("chat_stream_basic_usage.sse").Text, ChatDriver.TextOf(answers["gpt"]));
        Assert.Equal(FixtureTranscript.Anthropic("messages_stream_text_ping_midstream.sse").Text, ChatDriver.TextOf(answers["claude"]));
    }

    [Fact]
    public async Task MetaAnswersItsStartRequestId_AndTheIdIsNotStoredForOtherReaders()
    {
        // Arrange
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendAsync(new { type = "start", requestId = "mine-42", agentId = "gpt", message = "hi" });
        var answer = await socket.ReceiveUntilTerminalAsync();
        var replay = await ChatDriver.ReplayAsync(Api.ClientFor("alice"), answer[0]["generationId"]!.GetValue<string>());

        // Assert
        Assert.Equal("mine-42", answer[0]["requestId"]!.GetValue<string>());
        Assert.Null(((MetaEvent)replay[0]).RequestId);
    }

    [Fact]
    public async Task CancelOnTheSocket_StopsTheAnswerWithFinishReasonCancelled_AndTheSocketGoesOn()
    {
        // Arrange
        Environment.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 2) });
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
        var meta = (await socket.ReceiveAsync())!;
        // Cancel once the provider is answering, so the stalled reply is the one being cancelled.
        Assert.Equal("delta", (await socket.ReceiveAsync())!["type"]!.GetValue<string>());

        // Act
        await socket.SendAsync(new { type = "cancel", generationId = meta["generationId"]!.GetValue<string>() });
        var rest = await socket.ReceiveUntilTerminalAsync();
        await socket.SendAsync(new { type = "start", requestId = "r2", agentId = "gpt", message = "again" });
        var next = await socket.ReceiveUntilTerminalAsync();

        // Assert
        Assert.Equal(FinishReasons.Cancelled, rest[^1]["finishReason"]!.GetValue<string>());
        Assert.True(next[^1]["type"]!.GetValue<string>() == "done", next[^1].ToJsonString());
        Assert.Equal("stop", next[^1]["finishReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClosingTheSocket_DoesNotStopTheGeneration()
    {
        // Arrange
        Environment.OpenAI.Enqueue(FakeResponse.Default with { ChunkDelay = TimeSpan.FromMilliseconds(40) });
        string generationId;
        await using (var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice")))
        {
            await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "gpt", message = "hi" });
            generationId = (await socket.ReceiveAsync())!["generationId"]!.GetValue<string>();
        }

        // Act
        var replay = await ChatDriver.ReplayAsync(Api.ClientFor("alice"), generationId);

        // Assert
        ChatDriver.AssertWellFormed(replay);
        Assert.Equal(FinishReasons.Stop, Assert.IsType<DoneEvent>(replay[^1]).FinishReason);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheHttpEndpoints()
    {
        // Arrange
        using var client = Api.AnonymousClient();

        // Act
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        // Assert
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/agents", paths);
        Assert.Contains("/api/chat/sse", paths);
        Assert.Contains("/api/chat", paths);
        Assert.Contains("/api/generations/{generationId}/events", paths);
        Assert.Contains("/api/generations/{generationId}/cancel", paths);
    }
}
