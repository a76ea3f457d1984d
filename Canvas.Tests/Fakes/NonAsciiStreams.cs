using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Canvas.Tests.Fakes;

/// <summary>
/// Small stream bodies whose text is non-ASCII, in each provider's wire format, because no recording has any. Like the
/// providers, they carry UTF-8 as raw bytes rather than <c>\uXXXX</c> escapes, so a one-byte chunking splits every
/// multi-byte character.
/// </summary>
internal static class NonAsciiStreams
{
    /// <summary>Deltas with two-, three- and four-byte UTF-8 characters.</summary>
    public static IReadOnlyList<string> Deltas { get; } = ["Grüße", " aus ", "Köln", " — ", "日本語", " 🌍🚀", "!"];

    private static readonly JsonSerializerOptions RawUtf8 = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An Ollama NDJSON stream of <see cref="Deltas"/>.</summary>
    public static byte[] Ollama()
    {
        var lines = Deltas.Select(delta => Json(new { model = "m", message = new { role = "assistant", content = delta }, done = false }))
            .Append(Json(new { model = "m", message = new { role = "assistant", content = "" }, done_reason = "stop", done = true }));
        return Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n")));
    }

    /// <summary>An OpenAI chat completions SSE stream of <see cref="Deltas"/>.</summary>
    public static byte[] OpenAI()
    {
        var chunks = Deltas.Select(delta => Chunk(new { content = delta }, finishReason: null)).Append(Chunk(new { }, "stop"));
        return Encoding.UTF8.GetBytes(string.Concat(chunks.Select(chunk => $"data: {chunk}\n\n")) + "data: [DONE]\n\n");

        static string Chunk(object delta, string? finishReason) => Json(new
        {
            id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1, model = "m",
            choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
        });
    }

    /// <summary>An Anthropic messages SSE stream of <see cref="Deltas"/>.</summary>
    public static byte[] Anthropic()
    {
        var events = new List<(string Name, object Data)>
        {
            ("message_start", new
            {
                type = "message_start",
                message = new { id = "msg_1", type = "message", role = "assistant", model = "m", content = Array.Empty<object>(), usage = new { input_tokens = 1, output_tokens = 1 } },
            }),
            ("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } }),
        };
        events.AddRange(Deltas.Select(delta => ("content_block_delta", (object)new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = delta } })));
        events.Add(("content_block_stop", new { type = "content_block_stop", index = 0 }));
        events.Add(("message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn" }, usage = new { output_tokens = 7 } }));
        events.Add(("message_stop", new { type = "message_stop" }));
        return Encoding.UTF8.GetBytes(string.Concat(events.Select(e => $"event: {e.Name}\ndata: {Json(e.Data)}\n\n")));
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, RawUtf8);
}
