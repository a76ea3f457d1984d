namespace Canvas.ChatApi.Agents;

/// <summary>
/// The agents this deployment offers: every configured agent whose provider is configured, with its tier
/// policy. Built once at start-up; agents are configuration, not runtime data.
/// </summary>
public sealed class AgentCatalog
{
    private readonly Dictionary<string, Agent> _byId;

    private AgentCatalog(IReadOnlyList<Agent> agents, IReadOnlyList<(AgentOptions Agent, string Reason)> leftOut,
        IReadOnlyList<ProviderEndpoint> providers)
    {
        Agents = agents;
        LeftOut = leftOut;
        Providers = providers;
        _byId = agents.ToDictionary(agent => agent.Id, StringComparer.Ordinal);
    }

    /// <summary>Gets the agents, in configuration order.</summary>
    public IReadOnlyList<Agent> Agents { get; }

    /// <summary>Gets the configured agents that are not offered, with the reason.</summary>
    public IReadOnlyList<(AgentOptions Agent, string Reason)> LeftOut { get; }

    /// <summary>Gets the providers that are configured.</summary>
    public IReadOnlyList<ProviderEndpoint> Providers { get; }

    /// <summary>Returns the agent, or null when there is none with that id.</summary>
    public Agent? Find(string? id) => id is not null && _byId.TryGetValue(id, out var agent) ? agent : null;

    /// <summary>Builds the catalog from configuration.</summary>
    /// <param name="options">The <c>Canvas</c> section.</param>
    /// <param name="ollamaConnectionString">The Aspire Ollama model connection string, if any.</param>
    /// <exception cref="InvalidOperationException">An agent has no id, a repeated id, or an unknown provider.</exception>
    public static AgentCatalog Build(CanvasOptions options, string? ollamaConnectionString)
    {
        var resolved = ProviderNames.All.ToDictionary(
            name => name, name => ProviderEndpoint.Resolve(name, options, ollamaConnectionString));

        var agents = new List<Agent>();
        var leftOut = new List<(AgentOptions, string)>();
        foreach (var (definition, index) in options.Agents.Select((a, i) => (a, i)))
        {
            var where = $"Canvas:Agents:{index}";
            if (string.IsNullOrWhiteSpace(definition.Id))
            {
                throw new InvalidOperationException($"{where}:Id is required.");
            }

            if (agents.Any(agent => agent.Id == definition.Id) || leftOut.Any(l => l.Item1.Id == definition.Id))
            {
                throw new InvalidOperationException($"{where}:Id '{definition.Id}' is used by another agent.");
            }

            var provider = definition.Provider.ToLowerInvariant();
            if (!resolved.TryGetValue(provider, out var endpoint))
            {
                throw new InvalidOperationException(
                    $"{where}:Provider '{definition.Provider}' is not one of {string.Join(", ", ProviderNames.All)}.");
            }

            var model = string.IsNullOrWhiteSpace(definition.Model) ? endpoint.Endpoint?.DefaultModel : definition.Model;
            if (endpoint.Endpoint is null)
            {
                leftOut.Add((definition, endpoint.Missing!));
                continue;
            }

            if (string.IsNullOrWhiteSpace(model))
            {
                leftOut.Add((definition, $"{where}:Model is not set and the provider names no default model"));
                continue;
            }

            var (tiers, note) = TransportPolicy.For(provider, options.Transports.GetValueOrDefault(provider));
            agents.Add(new Agent(definition.Id, definition.Name ?? definition.Id, provider, model, tiers, note)
            {
                SystemPrompt = definition.SystemPrompt
            });
        }

        var providers = resolved.Values.Select(r => r.Endpoint).OfType<ProviderEndpoint>().ToList();
        return new AgentCatalog(agents, leftOut, providers);
    }
}
