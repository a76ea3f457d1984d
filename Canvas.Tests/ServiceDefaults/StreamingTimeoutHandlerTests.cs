using System.Net;
using System.Threading.Channels;
using Canvas.ServiceDefaults.Http;

namespace Canvas.Tests.ServiceDefaults;

public sealed class StreamingTimeoutHandlerTests
{
    private static readonly StreamingTimeouts Short = new() { FirstByte = TimeSpan.FromSeconds(1), Idle = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task SendAsync_HeadersLaterThanFirstByteTimeout_ThrowsTimeoutException()
    {
        // Arrange
        using var client = ClientOver(new DelegateHandler(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }));

        // Act
        var failure = await Record.ExceptionAsync(() => client.GetAsync("http://upstream/", HttpCompletionOption.ResponseHeadersRead));

        // Assert
        Assert.IsType<TimeoutException>(failure);
    }

    [Fact]
    public async Task ReadAsync_BodySilentLongerThanIdleTimeout_ThrowsTimeoutException()
    {
        // Arrange
        var body = Channel.CreateUnbounded<byte[]>();
        using var client = ClientOver(new DelegateHandler((_, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new ChannelStream(body.Reader)) })));
        await body.Writer.WriteAsync("first"u8.ToArray());
        using var response = await client.GetAsync("http://upstream/", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16];
        var first = await stream.ReadAsync(buffer);

        // Act
        var failure = await Record.ExceptionAsync(async () => _ = await stream.ReadAsync(buffer));

        // Assert
        Assert.Equal(5, first);
        Assert.IsType<TimeoutException>(failure);
    }

    [Fact]
    public async Task ReadAsync_StreamLongerThanBothTimeoutsButNeverSilent_IsNotCut()
    {
        // Arrange: 25 chunks 100 ms apart run for 2.5 s, over twice each timeout.
        var body = Channel.CreateUnbounded<byte[]>();
        using var client = ClientOver(new DelegateHandler((_, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new ChannelStream(body.Reader)) })));
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await body.Writer.WriteAsync([(byte)('a' + i)]);
                await Task.Delay(100);
            }

            body.Writer.Complete();
        });

        // Act
        using var response = await client.GetAsync("http://upstream/", HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        await producer;

        // Assert
        Assert.Equal("abcdefghijklmnopqrstuvwxy", text);
    }

    [Fact]
    public async Task ReadWithoutToken_AfterTheBoundBodyCancellationFires_ThrowsOperationCanceled()
    {
        // Arrange: OllamaSharp reads its stream without a token; the caller's bound token must still end the read.
        var body = Channel.CreateUnbounded<byte[]>();
        using var client = new HttpClient(new StreamingTimeoutHandler(new StreamingTimeouts { Idle = TimeSpan.FromMinutes(1) })
        {
            InnerHandler = new DelegateHandler((_, _) =>
                Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new ChannelStream(body.Reader)) })),
        });
        using var request = new CancellationTokenSource();
        using var bound = ResponseBodyCancellation.Bind(request.Token);
        using var response = await client.GetAsync("http://upstream/", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync(CancellationToken.None);

        // Act
        var read = stream.ReadAsync(new byte[16]).AsTask();
        await request.CancelAsync();
        var failure = await Record.ExceptionAsync(() => read.WaitAsync(TimeSpan.FromSeconds(5)));

        // Assert
        Assert.IsAssignableFrom<OperationCanceledException>(failure);
    }

    private static HttpClient ClientOver(HttpMessageHandler upstream) =>
        new(new StreamingTimeoutHandler(Short) { InnerHandler = upstream }) { Timeout = Timeout.InfiniteTimeSpan };

    private sealed class DelegateHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            send(request, cancellationToken);
    }

    /// <summary>A response body fed chunk by chunk, like a network stream.</summary>
    private sealed class ChannelStream(ChannelReader<byte[]> chunks) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!await chunks.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            var chunk = await chunks.ReadAsync(cancellationToken);
            chunk.CopyTo(buffer);
            return chunk.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
