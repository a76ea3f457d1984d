using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Streaming;

/// <summary>
/// Writes generation events as SSE frames (PROTOCOL.md, "SSE framing": <c>id</c> is the <c>seq</c>, <c>event</c>
/// the type, <c>data</c> the event JSON on one line) straight into the response's buffer, without strings. The
/// JSON is the event's own encoding (<see cref="GenerationEvent.ToUtf8Json"/>), shared with every other reader.
/// </summary>
internal sealed class SseFrameWriter(IBufferWriter<byte> output)
{
    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    public void Write(GenerationEvent generationEvent)
    {
        Append("id: "u8);
        var digits = output.GetSpan(20);
        Utf8Formatter.TryFormat(generationEvent.Seq, digits, out var written);
        output.Advance(written);
        Append("\nevent: "u8);
        Append(generationEvent.Type);
        Append("\ndata: "u8);
        Append(generationEvent.ToUtf8Json().Span);
        Append("\n\n"u8);
    }

    public void WriteKeepAlive() => Append(KeepAliveComment);

    private void Append(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private void Append(string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        output.Advance(Encoding.ASCII.GetBytes(ascii, span));
    }
}
