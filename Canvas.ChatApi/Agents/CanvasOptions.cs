namespace Canvas.ChatApi.Agents;

/// <summary>Agents, providers and tier policy, bound from the <c>Canvas</c> section.</summary>
public sealed class CanvasOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Canvas";

    /// <summary>Gets the configured agents. The default is none.</summary>
    public List<AgentOptions> Agents { get; } = [];

    /// <summary>Gets the providers by name (<c>Ollama</c>, <c>OpenAI</c>, <c>Anthropic</c>; case-insensitive).</summary>
    public Dictionary<string, ProviderOptions> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets tier orders that replace a provider's default, e.g. <c>Canvas:Transports:openai = ["sse","rest"]</c>.
    /// The default is PROTOCOL.md's table.
    /// </summary>
    public Dictionary<string, List<string>> Transports { get; } = new(StringComparer.OrdinalIgnoreCase);
}
