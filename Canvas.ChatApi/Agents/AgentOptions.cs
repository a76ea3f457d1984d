namespace Canvas.ChatApi.Agents;

/// <summary>One configured agent, bound from <c>Canvas:Agents:N</c>.</summary>
public sealed class AgentOptions
{
    /// <summary>Gets or sets the agent's id, unique and URL-safe.</summary>
    public string Id { get; set; } = "";

    /// <summary>Gets or sets the name shown to users. The default is the id.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the provider: <c>ollama</c>, <c>openai</c> or <c>anthropic</c>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>
    /// Gets or sets the model. For Ollama agents the default is the model of the Ollama connection
    /// (<c>ConnectionStrings:chat-model</c>) or <c>Canvas:Providers:Ollama:Model</c>.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the system prompt sent before the conversation. The default is none.</summary>
    public string? SystemPrompt { get; set; }
}
