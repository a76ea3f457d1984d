namespace Canvas.Tests.Fakes;

/// <summary>
/// How a fake upstream cuts a response body into writes. Each piece is written and flushed on its own, so the client
/// sees it as a separate read (one HTTP/1.1 chunk).
/// </summary>
/// <remarks>
/// The recordings kept only de-chunked bodies, so the real boundaries are unknown; a parser must cope with any split,
/// including one inside a multi-byte UTF-8 sequence, which <see cref="FixedSize"/> with one byte and
/// <see cref="RandomOffsets"/> produce.
/// </remarks>
public abstract record StreamChunking
{
    private StreamChunking()
    {
    }

    /// <summary>One piece per protocol event: per NDJSON line for Ollama, per SSE event for OpenAI and Anthropic.</summary>
    public static StreamChunking PerEvent { get; } = new PerEventChunking();

    /// <summary>Pieces of <paramref name="bytes"/> bytes each; the last one may be shorter.</summary>
    /// <param name="bytes">The size of each piece; at least 1.</param>
    public static StreamChunking FixedSize(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        return new FixedSizeChunking(bytes);
    }

    /// <summary>Pieces of random length between 1 and <paramref name="maxBytes"/>, reproducible from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed of the random cut points; the same seed cuts the same body the same way.</param>
    /// <param name="maxBytes">The longest piece; at least 1. The default is 24.</param>
    public static StreamChunking RandomOffsets(int seed, int maxBytes = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        return new RandomOffsetsChunking(seed, maxBytes);
    }

    /// <summary>Cuts <paramref name="body"/> into the pieces to write, in order.</summary>
    /// <param name="body">The whole response body.</param>
    /// <param name="eventTerminator">The bytes that end one protocol event: <c>\n</c> for NDJSON, <c>\n\n</c> for SSE.</param>
    public abstract IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body, ReadOnlySpan<byte> eventTerminator);

    private sealed record PerEventChunking : StreamChunking
    {
        public override IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body, ReadOnlySpan<byte> eventTerminator)
        {
            var pieces = new List<ReadOnlyMemory<byte>>();
            var rest = body;
            while (!rest.IsEmpty)
            {
                var end = rest.Span.IndexOf(eventTerminator);
                var length = end < 0 ? rest.Length : end + eventTerminator.Length;
                pieces.Add(rest[..length]);
                rest = rest[length..];
            }

            return pieces;
        }
    }

    private sealed record FixedSizeChunking(int Bytes) : StreamChunking
    {
        public override IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body, ReadOnlySpan<byte> eventTerminator) =>
            Cut(body, _ => Bytes);
    }

    private sealed record RandomOffsetsChunking(int Seed, int MaxBytes) : StreamChunking
    {
        public override IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body, ReadOnlySpan<byte> eventTerminator)
        {
            var random = new Random(Seed);
            return Cut(body, _ => random.Next(1, MaxBytes + 1));
        }
    }

    private static List<ReadOnlyMemory<byte>> Cut(ReadOnlyMemory<byte> body, Func<int, int> nextLength)
    {
        var pieces = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < body.Length;)
        {
            var length = Math.Min(nextLength(offset), body.Length - offset);
            pieces.Add(body.Slice(offset, length));
            offset += length;
        }

        return pieces;
    }
}
