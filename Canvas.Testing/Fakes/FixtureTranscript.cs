using System.Text;
using System.Text.Json;

namespace Canvas.Tests.Fakes;

/// <summary>
/// What a recorded provider body says, read straight from the wire format, so that tests can compare an SDK's output
/// with the recording instead of with hand-copied strings.
/// </summary>
/// <param name="Text">The answer text, all deltas joined.</param>
/// <param name="Reasoning">The reasoning ("thinking") text, all deltas joined; empty when there is none.</param>
/// <param name="InputTokens">The prompt token count the provider reported.</param>
/// <param name="OutputTokens">The completion token count the provider reported.</param>
/// <param name="FinishReason">The provider's own stop reason, for example <c>stop</c> or <c>end_turn</c>.</param>
internal sealed record FixtureTranscript(string Text, string Reasoning, long? InputTokens, long? OutputTokens, string? FinishReason)
{
    /// <summary>Reads an Ollama NDJSON stream or non-streaming JSON body.</summary>
    public static FixtureTranscript Ollama(string fileName)
    {
        var transcript = new Builder();
        foreach (var line in ProviderFixtures.ReadText("ollama", fileName).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var root = JsonDocument.Parse(line).RootElement;
            if (root.TryGetProperty("message", out var message))
            {
                transcript.Text.Append(OptionalString(message, "content"));
                transcript.Reasoning.Append(OptionalString(message, "thinking"));
            }

            if (root.GetProperty("done").GetBoolean())
            {
                transcript.InputTokens = OptionalInt64(root, "prompt_eval_count");
                transcript.OutputTokens = OptionalInt64(root, "eval_count");
                transcript.FinishReason = OptionalString(root, "done_reason");
            }
        }

        return transcript.Build();
    }

    /// <summary>Reads an OpenAI chat completions SSE stream or non-streaming JSON body.</summary>
    public static FixtureTranscript OpenAI(string fileName)
    {
        var transcript = new Builder();
        foreach (var data in JsonPayloads("openai", fileName))
        {
            foreach (var choice in data.GetProperty("choices").EnumerateArray())
            {
                var message = choice.TryGetProperty("delta", out var delta) ? delta : choice.GetProperty("message");
                transcript.Text.Append(OptionalString(message, "content"));
                transcript.FinishReason = OptionalString(choice, "finish_reason") ?? transcript.FinishReason;
            }

            if (data.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                transcript.InputTokens = usage.GetProperty("prompt_tokens").GetInt64();
                transcript.OutputTokens = usage.GetProperty("completion_tokens").GetInt64();
            }
        }

        return transcript.Build();
    }

    /// <summary>Reads an Anthropic messages SSE stream or non-streaming JSON body.</summary>
    public static FixtureTranscript Anthropic(string fileName)
    {
        var transcript = new Builder();
        foreach (var data in JsonPayloads("anthropic", fileName))
        {
            switch (data.GetProperty("type").GetString())
            {
                case "message":
                    foreach (var block in data.GetProperty("content").EnumerateArray())
                    {
                        transcript.Text.Append(block.GetProperty("type").GetString() == "text" ? OptionalString(block, "text") : null);
                    }

                    ReadUsage(data.GetProperty("usage"), transcript);
                    transcript.FinishReason = OptionalString(data, "stop_reason");
                    break;
                case "message_start":
                    ReadUsage(data.GetProperty("message").GetProperty("usage"), transcript);
                    break;
                case "content_block_delta":
                    var delta = data.GetProperty("delta");
                    transcript.Text.Append(OptionalString(delta, "text"));
                    transcript.Reasoning.Append(OptionalString(delta, "thinking"));
                    break;
                case "message_delta":
                    ReadUsage(data.GetProperty("usage"), transcript);
                    transcript.FinishReason = OptionalString(data.GetProperty("delta"), "stop_reason");
                    break;
            }
        }

        return transcript.Build();
    }

    // message_delta's usage is cumulative and may repeat input_tokens, so later values replace earlier ones.
    private static void ReadUsage(JsonElement usage, Builder transcript)
    {
        transcript.InputTokens = OptionalInt64(usage, "input_tokens") ?? transcript.InputTokens;
        transcript.OutputTokens = OptionalInt64(usage, "output_tokens") ?? transcript.OutputTokens;
    }

    /// <summary>The JSON of each SSE <c>data:</c> field, or the whole body when it is one JSON document.</summary>
    private static IEnumerable<JsonElement> JsonPayloads(string provider, string fileName)
    {
        var body = ProviderFixtures.ReadText(provider, fileName);
        if (fileName.EndsWith(".json", StringComparison.Ordinal))
        {
            yield return JsonDocument.Parse(body).RootElement;
            yield break;
        }

        foreach (var line in body.Split('\n'))
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line != "data: [DONE]")
            {
                yield return JsonDocument.Parse(line["data: ".Length..]).RootElement;
            }
        }
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? OptionalInt64(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    private sealed class Builder
    {
        public StringBuilder Text { get; } = new();

        public StringBuilder Reasoning { get; } = new();

        public long? InputTokens { get; set; }

        public long? OutputTokens { get; set; }

        public string? FinishReason { get; set; }

        public FixtureTranscript Build() => new(Text.ToString(), Reasoning.ToString(), InputTokens, OutputTokens, FinishReason);
    }
}
