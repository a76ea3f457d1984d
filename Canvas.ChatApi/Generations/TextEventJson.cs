using System.Buffers;
using System.Text.Json;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Writes the events a generation has one of per token (<c>delta</c>, <c>reasoning</c>) byte for byte as the
/// serializer writes them, without its polymorphic dispatch: through the serializer each of them allocated a frame
/// stack besides its bytes. The tests hold the two encodings equal.
/// </summary>
internal static class TextEventJson
{
    // A buffer this large after an event is not kept for the thread's next one.
    private const int KeptBufferBytes = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Encode(ReadOnlySpan<byte> type, string generationId, long seq, string text)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = CanvasJsonContext.Default.Options.Encoder });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        // The serializer's order: the discriminator, the derived record's properties, then the base's.
        writer.WriteString("type"u8, type);
        writer.WriteString("text"u8, text);
        writer.WriteString("generationId"u8, generationId);
        writer.WriteNumber("seq"u8, seq);
        writer.WriteEndObject();
        writer.Flush();
        var json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > KeptBufferBytes)
        {
            t_buffer = null;
            t_writer = null;
        }

        return json;
    }
}
