namespace Canvas.ChatApi.Agents;

/// <summary>Which tiers each provider's agents offer, and the one line that explains it to a person.</summary>
public static class TransportPolicy
{
    private static readonly string[] HttpNative = [Tiers.Sse, Tiers.Rest];

    /// <summary>Returns the tier order and note for a provider, honouring a configured override.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="configured">The tiers from <c>Canvas:Transports:{provider}</c>, or null.</param>
    /// <exception cref="InvalidOperationException">The override is empty, repeats a tier or names an unknown one.</exception>
    public static (IReadOnlyList<string> Tiers, string Note) For(string provider, IReadOnlyList<string>? configured)
    {
        if (configured is { Count: > 0 })
        {
            var unknown = configured.FirstOrDefault(tier => !Agents.Tiers.IsKnown(tier));
            if (unknown is not null || configured.Distinct().Count() != configured.Count)
            {
                throw new InvalidOperationException(
                    $"Canvas:Transports:{provider} must list distinct tiers among websocket, sse and rest; found '{string.Join(",", configured)}'.");
            }

            return (configured.ToArray(), $"Tiers set by this deployment's configuration: {string.Join(", then ", configured)}.");
        }

        return provider == ProviderNames.Ollama
            ? (HttpNative, "Ollama streams natively over HTTP, so SSE is the direct path: a WebSocket would add a hop and nothing else.")
            : (Agents.Tiers.All, "WebSocket first: the lowest latency, and Stop travels on the same connection. SSE, then REST, if it is blocked.");
    }
}
