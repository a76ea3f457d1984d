using Canvas.Tests.Fakes;

namespace Canvas.Tests.Browser;

/// <summary>The text each agent of appsettings.json answers with when its fake replays its default recording.</summary>
internal static class Recordings
{
    /// <summary>Gets the recorded answer of an agent's default stream.</summary>
    public static string DefaultAnswerOf(string agentId) => agentId switch
    {
        "local" => FixtureTranscript.Ollama("chat_stream_basic.ndjson").Text,
        "gpt" => FixtureTranscript.OpenAI("chat_stream_basic_usage.sse").Text,
        "claude" => FixtureTranscript.Anthropic("messages_stream_text_ping_midstream.sse").Text,
        _ => throw new ArgumentOutOfRangeException(nameof(agentId), agentId, "Not an agent of appsettings.json."),
    };
}
