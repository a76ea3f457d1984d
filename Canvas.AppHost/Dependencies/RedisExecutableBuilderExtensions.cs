using Microsoft.Extensions.DependencyInjection;

namespace Canvas.AppHost.Dependencies;

/// <summary>Adds Redis as a local <c>redis-server</c> process.</summary>
public static class RedisExecutableBuilderExtensions
{
    /// <summary>
    /// Adds a <c>redis-server</c> from PATH on its own port, bound to loopback, snapshotting to
    /// <paramref name="dataDirectory"/>, healthy once it answers <c>PING</c>.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name, also the connection string's name.</param>
    /// <param name="dataDirectory">Where Redis keeps its snapshot; created when missing.</param>
    /// <returns>The server's builder.</returns>
    public static IResourceBuilder<RedisExecutableResource> AddRedisLocal(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);

        Directory.CreateDirectory(dataDirectory);
        var resource = new RedisExecutableResource(name, dataDirectory);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));

        var healthCheckKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet."), healthCheckKey);

        return builder.AddResource(resource)
            .WithIconName("Database")
            .WithEndpoint(name: RedisExecutableResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--dir");
                context.Args.Add(Path.GetFullPath(dataDirectory));
                context.Args.Add("--save");
                context.Args.Add("60 1");
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }
}
