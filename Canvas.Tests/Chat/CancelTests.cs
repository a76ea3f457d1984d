using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>Stop ends an answer at once for every provider, even while the provider is silent.</summary>
public sealed class CancelTests : ChatApiTest
{
    // Idle timeouts far longer than the test's bound: the cancel must not wait for them.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Providers:Ollama:IdleTimeout"] = "00:10:00",
        ["Canvas:Providers:OpenAI:IdleTimeout"] = "00:10:00",
        ["Canvas:Providers:Anthropic:IdleTimeout"] = "00:10:00",
    };

    [Theory]
    [InlineData("local")]
    [InlineData("gpt")]
    [InlineData("claude")]
    public async Task Cancel_WhileTheProviderIsSilent_EndsWithCancelledAndKeepsThePartialAnswer(string agentId)
    {
        // Arrange
        Environment.UpstreamOf(agentId).Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 3) });
        using var client = Api.ClientFor("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId, message = "Count" }) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = SseReader.ReadEventsAsync(response).GetAsyncEnumerator();
        var seen = new List<GenerationEvent>();
        while (seen.LastOrDefault() is not DeltaEvent && await events.MoveNextAsync())
        {
            seen.Add(events.Current);
        }

        // Act
        using var cancel = await client.PostAsync($"/api/generations/{seen[0].GenerationId}/cancel", null);
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            seen.Add(events.Current);
        }

        // Assert
        ChatDriver.AssertWellFormed(seen);
        Assert.Equal(FinishReasons.Cancelled, Assert.IsType<DoneEvent>(seen[^1]).FinishReason);
        var stored = (await ConversationAssertions.GetAsync(client, ((MetaEvent)seen[0]).ConversationId)).Messages[^1];
        Assert.Equal(FinishReasons.Cancelled, stored.FinishReason);
        Assert.Equal(ChatDriver.TextOf(seen), stored.Text);
    }
}
