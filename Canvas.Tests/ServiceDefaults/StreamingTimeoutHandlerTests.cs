using System.Net;
using System.Threading.Channels;
using Canvas.ServiceDefaults.Http;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.ServiceDefaults;

public sealed class StreamingTimeoutHandlerTests
{
    private static readonly StreamingTimeouts Timeouts = new() { FirstByte = TimeSpan.FromSeconds(30), Idle = TimeSpan.FromSeconds(10) };
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task SendAsync_HeadersLaterThanFirstByteTimeout_ThrowsTimeoutException()
    {
        // Arrange
        using var client = ClientOver(new DelegateHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }));
        var sending = client.GetAsync("http://upstream/", HttpCompletionOption.ResponseHeadersRead);

        // Act
        _time.Advance(Timeouts.FirstByte + TimeSpan.FromSeconds(1));
        var failure = await Record.ExceptionAsync(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));

        // Assert
        Assert.IsType<TimeoutException>(failure);
    }

    [Fact]
    public async Task ReadAsync_BodySilentLongerThanIdleTimeout_ThrowsTimeoutException()
    {
        // Arrange
        var body = Channel.CreateUnbounded<byte[]>();
        await using var stream = await OpenBodyAsync(body.Reader);
        var buffer = new byte[16];
        await body.Writer.WriteAsync("first"u8.ToArray());
        var first = await stream.ReadAsync(buffer);
        var silent = stream.ReadAsync(buffer).AsTask();

        // Act
        _time.Advance(Timeouts.Idle + TimeSpan.FromSeconds(1));
        var failure = await Record.ExceptionAsync(() => silent.WaitAsync(TimeSpan.FromSeconds(10)));

        // Assert
        Assert.Equal(5, first);
        Assert.IsType<TimeoutException>(failure);
    }

    [Fact]
    public async Task ReadAsync_StreamLongerThanBothTimeoutsButNeverSilent_IsNotCut()
    {
        // Arrange: each chunk comes after 90% of the idle timeout; twenty of them outlast both timeouts many times.
        var body = Channel.CreateUnbounded<byte[]>();
        await using var stream = await OpenBodyAsync(body.Reader);
        var buffer = new byte[16];
        var received = new List<byte>();

        // Act
        for (var i = 0; i < 20; i++)
        {
            var read = stream.ReadAsync(buffer).AsTask();
            _time.Advance(Timeouts.Idle * 0.9);
            await body.Writer.WriteAsync([(byte)('a' + i)]);
            received.AddRange(buffer.AsSpan(0, await read.WaitAsync(TimeSpan.FromSeconds(10))).ToArray());
        }

        // Assert
        Assert.Equal("abcdefghijklmnopqrst", System.Text.Encoding.ASCII.GetString([.. received]));
    }

    [Fact]
    public async Task ReadWithoutToken_AfterTheBoundBodyCancellationFires_ThrowsOperationCanceled()
    {
        // Arrange: OllamaSharp reads its stream without a token; the caller's bound token must still end the read.
        var body = Channel.CreateUnbounded<byte[]>();
        using var client = new HttpClient(new StreamingTimeoutHandler(new StreamingTimeouts { Idle = TimeSpan.FromMinutes(1) }, _time)
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

    private HttpClient ClientOver(HttpMessageHandler upstream) =>
        new(new StreamingTimeoutHandler(Timeouts, _time) { InnerHandler = upstream }) { Timeout = Timeout.InfiniteTimeSpan };

    private async Task<Stream> OpenBodyAsync(ChannelReader<byte[]> chunks)
    {
        var client = ClientOver(new DelegateHandler((_, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new ChannelStream(chunks)) })));
        var response = await client.GetAsync("http://upstream/", HttpCompletionOption.ResponseHeadersRead);
        return await response.Content.ReadAsStreamAsync();
    }

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
