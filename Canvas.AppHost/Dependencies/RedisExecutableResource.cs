namespace Canvas.AppHost.Dependencies;

/// <summary>A Redis server run as <c>redis-server</c> from PATH; its connection string is <c>host:port</c>.</summary>
/// <param name="name">The resource name.</param>
/// <param name="dataDirectory">Where Redis writes its snapshot; also the working directory.</param>
public sealed class RedisExecutableResource(string name, string dataDirectory)
    : ExecutableResource(name, "redis-server", dataDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the Redis endpoint.</summary>
    public const string EndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>Gets the endpoint clients connect to.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, EndpointName);

    /// <inheritdoc/>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
