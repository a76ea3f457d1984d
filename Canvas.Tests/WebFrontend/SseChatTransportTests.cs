using System.Net;
using System.Text;
using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

public sealed class SseChatTransportTests
{
    private sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(respond(request));
        }
    }

    private static HttpResponseMessage EventStream(string body) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(body, Encoding.UTF8, "text/event-stream"),
    };

    private const string Stream =
        ": keep-alive\n\n" +
        "id: 0\nevent: meta\ndata: {\"type\":\"meta\",\"generationId\":\"g_1\",\"conversationId\":\"c_1\",\"seq\":0}\n\n" +
        "id: 1\nevent: delta\ndata: {\"type\":\"delta\",\"generationId\":\"g_1\",\"seq\":1,\"text\":\"Hé\"}\n\n" +
        ": keep-alive\n\n" +
        "id: 2\nevent: delta\ndata: {\"type\":\"delta\",\"generationId\":\"g_1\",\"seq\":2,\"text\":\"llo\"}\n\n" +
        "id: 3\nevent: done\ndata: {\"type\":\"done\",\"generationId\":\"g_1\",\"seq\":3,\"finishReason\":\"stop\",\"usage\":{\"outputTokens\":2}}\n\n";

    [Fact]
    public async Task StartAsync_EventStream_YieldsEachFrameAndSkipsKeepAlives()
    {
        var handler = new RecordingHandler(_ => EventStream(Stream));
        var transport = new SseChatTransport(new HttpClient(handler) { BaseAddress = new Uri("http://frontend/") });

        var events = await Generation.CollectAsync(transport.StartAsync(new ChatStart("a", null, "hi"), TransportTier.WebSocket, CancellationToken.None));

        Assert.Equal([0L, 1, 2, 3], events.Select(e => e.Seq));
        Assert.Equal("Héllo", Generation.Text(events));
        Assert.Equal(2, events[^1].Usage?.OutputTokens);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://frontend/api/chat/sse", request.RequestUri!.ToString());
        Assert.Equal("websocket", Assert.Single(request.Headers.GetValues("X-Canvas-Fallback-From")));
    }

    [Fact]
    public async Task ResumeAsync_AfterSeq_AsksForEventsAfterIt()
    {
        var handler = new RecordingHandler(_ => EventStream(Stream));
        var transport = new SseChatTransport(new HttpClient(handler) { BaseAddress = new Uri("http://frontend/") });

        await Generation.CollectAsync(transport.ResumeAsync(new ResumePoint("g_1", 17, 40), fallbackFrom: null, CancellationToken.None));

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://frontend/api/generations/g_1/events?after=17", request.RequestUri!.ToString());
        Assert.False(request.Headers.Contains("X-Canvas-Fallback-From"));
    }

    [Fact]
    public async Task StartAsync_StreamEndsBeforeDone_FailsTheTier()
    {
        var cut = Stream[..Stream.IndexOf("id: 2", StringComparison.Ordinal)];
        var transport = new SseChatTransport(new HttpClient(new RecordingHandler(_ => EventStream(cut))) { BaseAddress = new Uri("http://frontend/") });

        var failure = await Assert.ThrowsAsync<TransportFailedException>(() =>
            Generation.CollectAsync(transport.StartAsync(new ChatStart("a", null, "hi"), null, CancellationToken.None)));

        Assert.Equal(TransportTier.Sse, failure.Tier);
    }

    [Fact]
    public async Task StartAsync_ProxyAnswersHtml_FailsTheTierNamingWhatCame()
    {
        var html = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login</html>", Encoding.UTF8, "text/html") };
        var transport = new SseChatTransport(new HttpClient(new RecordingHandler(_ => html)) { BaseAddress = new Uri("http://frontend/") });

        var failure = await Assert.ThrowsAsync<TransportFailedException>(() =>
            Generation.CollectAsync(transport.StartAsync(new ChatStart("a", null, "hi"), null, CancellationToken.None)));

        Assert.Contains("text/html", failure.Message);
    }

    [Fact]
    public async Task StartAsync_ProblemDetails_ThrowsWithTheCanvasErrorCode()
    {
        var problem = new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("{\"title\":\"Not on this tier\",\"status\":400,\"code\":\"transport_not_supported\"}", Encoding.UTF8, "application/problem+json"),
        };
        var transport = new SseChatTransport(new HttpClient(new RecordingHandler(_ => problem)) { BaseAddress = new Uri("http://frontend/") });

        var failure = await Assert.ThrowsAsync<ApiProblemException>(() =>
            Generation.CollectAsync(transport.StartAsync(new ChatStart("a", null, "hi"), null, CancellationToken.None)));

        Assert.Equal("transport_not_supported", failure.Code);
    }
}
