using System.Net.Http.Json;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>The SSE path is safe behind proxies: unbuffered, uncompressed, uncached, kept alive.</summary>
public sealed class SseFramingTests : ChatApiTest
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Canvas:Limits:SseKeepAlive"] = "00:00:00.200" };

    [Fact]
    public async Task StartSse_Response_TellsProxiesNotToBufferCacheOrCompress()
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, br");

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "hi" });

        // Assert
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("X-Accel-Buffering")));
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task StartSse_Frames_CarrySeqAsIdAndTypeAsEvent()
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = "hi" });
        var frames = await ToListAsync(SseReader.ReadFramesAsync(await response.Content.ReadAsStreamAsync()));

        // Assert
        Assert.All(frames, frame =>
        {
            var generationEvent = frame.ToGenerationEvent();
            Assert.Equal(generationEvent.Seq.ToString(), frame.Id);
            Assert.Equal(generationEvent.Type, frame.Event);
            Assert.DoesNotContain('\n', frame.Data);
        });
    }

    [Fact]
    public async Task StartSse_QuietUpstream_GetsKeepAliveCommentsWhileWaiting()
    {
        // Arrange: the upstream pauses a second between chunks, five keep-alive intervals.
        Environment.OpenAI.Enqueue(FakeResponse.Fixture("chat_stream_gpt35_count.sse") with { ChunkDelay = TimeSpan.FromSeconds(1) });
        using var client = Api.ClientFor("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse") { Content = JsonContent.Create(new { agentId = "gpt", message = "hi" }) };

        // Act
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var frames = SseReader.ReadFramesAsync(await response.Content.ReadAsStreamAsync()).GetAsyncEnumerator();
        var commentsBeforeSecondDelta = 0;
        for (var i = 0; i < 3 && await frames.MoveNextAsync(); i++)
        {
            commentsBeforeSecondDelta += frames.Current.CommentsBefore;
        }

        // Assert
        Assert.True(commentsBeforeSecondDelta > 0, "No keep-alive comment arrived during a quiet second.");
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
