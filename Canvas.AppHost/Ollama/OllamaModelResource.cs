namespace Canvas.AppHost.Ollama;

/// <summary>
/// A model that an Ollama server pulls on start. Its connection string is the server's plus the model,
/// <c>Endpoint=http://host:port;Model=llama3.2:1b</c>, which is what ChatApi reads from <c>ConnectionStrings:chat-model</c>.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="modelName">The Ollama model, for example <c>llama3.2:1b</c>.</param>
/// <param name="parent">The server that holds the model.</param>
public sealed class OllamaModelResource(string name, string modelName, IOllamaResource parent)
    : Resource(name), IResourceWithParent<IOllamaResource>, IResourceWithConnectionString
{
    /// <summary>Gets the Ollama model name.</summary>
    public string ModelName { get; } = modelName;

    /// <inheritdoc/>
    public IOllamaResource Parent { get; } = parent;

    /// <inheritdoc/>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Model={ModelName}");
}
