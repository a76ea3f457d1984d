namespace Canvas.AppHost.Ollama;

/// <summary>An Ollama server in the <c>ollama/ollama</c> container.</summary>
/// <param name="name">The resource name.</param>
public sealed class OllamaResource(string name) : ContainerResource(name), IOllamaResource
{
    /// <summary>The image the container runs.</summary>
    public const string Image = "ollama/ollama";

    /// <summary>The image tag; pinned so that a run is the same on every machine.</summary>
    public const string Tag = "0.13.0";

    /// <summary>The registry the image comes from.</summary>
    public const string Registry = "docker.io";

    private EndpointReference? _primaryEndpoint;

    /// <inheritdoc/>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, IOllamaResource.HttpEndpointName);

    /// <inheritdoc/>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
