namespace Canvas.AppHost.Ollama;

/// <summary>An Ollama server run as <c>ollama serve</c> from PATH, for machines without a container runtime.</summary>
/// <param name="name">The resource name.</param>
/// <param name="workingDirectory">The directory the process runs in.</param>
public sealed class OllamaExecutableResource(string name, string workingDirectory)
    : ExecutableResource(name, "ollama", workingDirectory), IOllamaResource
{
    private EndpointReference? _primaryEndpoint;

    /// <inheritdoc/>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, IOllamaResource.HttpEndpointName);

    /// <inheritdoc/>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
