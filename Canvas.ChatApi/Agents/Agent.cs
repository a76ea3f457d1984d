namespace Canvas.ChatApi.Agents;

/// <summary>An agent whose provider is configured, as <c>GET /api/agents</c> lists it.</summary>
/// <param name="Id">The agent's id.</param>
/// <param name="Name">The name shown to users.</param>
/// <param name="Provider">The provider's name (<see cref="ProviderNames"/>).</param>
/// <param name="Model">The model that answers.</param>
/// <param name="Transports">The tiers a client should try, best first.</param>
/// <param name="TransportNote">One line telling a person why these tiers.</param>
public sealed record Agent(
    string Id,
    string Name,
    string Provider,
    string Model,
    IReadOnlyList<string> Transports,
    string TransportNote)
{
    /// <summary>Gets the system prompt; never sent to clients.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? SystemPrompt { get; init; }

    /// <summary>Whether a generation may be started on <paramref name="tier"/>.</summary>
    public bool Allows(string tier) => Transports.Contains(tier);
}
