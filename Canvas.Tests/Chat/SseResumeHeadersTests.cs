using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>
/// An SSE stream answers with its headers at once, before its first event: a client (or a proxy) resuming an answer
/// that has nothing new yet knows it is connected instead of waiting for the next token or keep-alive.
/// </summary>
public sealed class SseResumeHeadersTests : ChatApiTest
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    // Keep-alives and the provider's idle timeout are far beyond the hang guard, so only the response's own flush can
    // bring the headers while the upstream is held.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Canvas:Limits:SseKeepAlive"] = "00:10:00",
        ["Canvas:Providers:OpenAI:IdleTimeout"] = "00:10:00",
    };

    [Fact]
    public async Task ResumeSse_OfAnAnswerWithNothingNew_GetsItsHeadersBeforeAnyEvent()
    {
        // Arrange: an answer held after its first delta, read up to that delta.
        Environment.OpenAI.Enqueue(FakeResponse.Default with { Fault = StreamFault.Stall(afterChunks: 3) });
        using var client = Api.ClientFor("alice");
        using var started = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message = "hi" }) },
            HttpCompletionOption.ResponseHeadersRead);
        var events = SseReader.ReadEventsAsync(started).GetAsyncEnumerator();
        GenerationEvent? last = null;
        while (last is not DeltaEvent && await events.MoveNextAsync())
        {
            last = events.Current;
        }

        var generationId = last!.GenerationId;

        // Act: resume after the last event seen, while the upstream still holds the rest.
        using var resume = new HttpRequestMessage(HttpMethod.Get, $"/api/generations/{generationId}/events?after={last.Seq}");
        using var resumed = await client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead).WaitAsync(HangGuard);
        Environment.OpenAI.ReleaseStalledResponses();

        // Assert
        Assert.Equal("text/event-stream", resumed.Content.Headers.ContentType?.MediaType);
        using var guard = new CancellationTokenSource(HangGuard);
        var rest = new List<GenerationEvent>();
        await foreach (var generationEvent in SseReader.ReadEventsAsync(resumed, guard.Token))
        {
            rest.Add(generationEvent);
        }

        Assert.Equal(last.Seq + 1, rest[0].Seq);
        Assert.IsType<DoneEvent>(rest[^1]);
    }
}
