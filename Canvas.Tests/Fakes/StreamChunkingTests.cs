using System.Text;

namespace Canvas.Tests.Fakes;

public sealed class StreamChunkingTests
{
    private static readonly byte[] Sse = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n"u8.ToArray();

    [Fact]
    public void PerEvent_SseBody_CutsAfterEachBlankLine()
    {
        var pieces = StreamChunking.PerEvent.Split(Sse, "\n\n"u8);

        Assert.Equal(["data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n"], pieces.Select(Text));
    }

    [Fact]
    public void PerEvent_BodyWithoutFinalTerminator_KeepsTheTailAsLastPiece()
    {
        var pieces = StreamChunking.PerEvent.Split("{\"a\":1}\n{\"b\":2}"u8.ToArray(), "\n"u8);

        Assert.Equal(["{\"a\":1}\n", "{\"b\":2}"], pieces.Select(Text));
    }

    [Fact]
    public void FixedSize_OneByte_SplitsInsideMultiByteCharacters()
    {
        var body = Encoding.UTF8.GetBytes("ü🌍");

        var pieces = StreamChunking.FixedSize(1).Split(body, "\n"u8);

        Assert.Equal(body.Length, pieces.Count);
        Assert.All(pieces, piece => Assert.Equal(1, piece.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    public void RandomOffsets_SameSeed_CutsTheSameWayAndLosesNoByte(int seed)
    {
        var first = StreamChunking.RandomOffsets(seed).Split(Sse, "\n\n"u8);
        var second = StreamChunking.RandomOffsets(seed).Split(Sse, "\n\n"u8);

        Assert.Equal(first.Select(piece => piece.Length), second.Select(piece => piece.Length));
        Assert.Equal(Sse, first.SelectMany(piece => piece.ToArray()));
        Assert.All(first, piece => Assert.InRange(piece.Length, 1, 24));
    }

    private static string Text(ReadOnlyMemory<byte> piece) => Encoding.UTF8.GetString(piece.Span);
}
