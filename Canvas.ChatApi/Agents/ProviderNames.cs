namespace Canvas.ChatApi.Agents;

/// <summary>The providers Canvas speaks to, as they appear in configuration and in the API.</summary>
public static class ProviderNames
{
    public const string Ollama = "ollama";
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";

    /// <summary>All providers, in the order agents are listed.</summary>
    public static readonly IReadOnlyList<string> All = [Ollama, OpenAI, Anthropic];
}
