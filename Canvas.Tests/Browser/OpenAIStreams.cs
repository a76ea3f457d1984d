using System.Text;
using System.Text.Json;

namespace Canvas.Tests.Browser;

/// <summary>OpenAI chat completions streams for answers no recording has (markup, long answers, code).</summary>
internal static class OpenAIStreams
{
    /// <summary>An OpenAI chat completions stream whose deltas are <paramref name="deltas"/>, then <c>stop</c>.</summary>
    public static byte[] Of(IEnumerable<string> deltas)
    {
        var chunks = deltas.Select(delta => Chunk(new { content = delta }, finishReason: null)).Append(Chunk(new { }, "stop"));
        return Encoding.UTF8.GetBytes(string.Concat(chunks.Select(chunk => $"data: {chunk}\n\n")) + "data: [DONE]\n\n");

        static string Chunk(object delta, string? finishReason) => JsonSerializer.Serialize(new
        {
            id = "chatcmpl-browser",
            @object = "chat.completion.chunk",
            created = 1,
            model = "gpt-4o-mini",
            choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
        });
    }

    /// <summary>The stream of <paramref name="markdown"/> cut into pieces of about a token (four characters).</summary>
    public static byte[] Tokens(string markdown) => Of(Enumerable.Range(0, (markdown.Length + 3) / 4)
        .Select(i => markdown.Substring(i * 4, Math.Min(4, markdown.Length - i * 4))));
}
