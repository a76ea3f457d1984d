namespace Canvas.ChatApi.Agents;

/// <summary>The background reachability check of the agents' providers, bound from <c>Canvas:AgentChecks</c>.</summary>
public sealed class AgentCheckOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Canvas:AgentChecks";

    /// <summary>Gets or sets how often every provider is checked; the first check runs at start-up. The default is 30 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one check waits for the provider's answer. The default is 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
