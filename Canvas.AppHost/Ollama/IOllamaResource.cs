namespace Canvas.AppHost.Ollama;

/// <summary>
/// An Ollama server, run as a container (<see cref="OllamaResource"/>) or as <c>ollama serve</c> from PATH
/// (<see cref="OllamaExecutableResource"/>). Its connection string is <c>Endpoint=http://host:port</c>.
/// </summary>
public interface IOllamaResource : IResourceWithConnectionString, IResourceWithEndpoints
{
    /// <summary>The name of the HTTP endpoint every Ollama resource has.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The port Ollama listens on unless told otherwise.</summary>
    public const int DefaultPort = 11434;

    /// <summary>Gets the HTTP endpoint Ollama's API answers on.</summary>
    EndpointReference PrimaryEndpoint { get; }
}
