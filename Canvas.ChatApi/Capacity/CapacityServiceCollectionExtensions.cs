using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Canvas.ChatApi.Capacity;

/// <summary>Registers <see cref="InstanceCapacity"/> and counts Kestrel's client connections against it.</summary>
internal static class CapacityServiceCollectionExtensions
{
    public static IServiceCollection AddInstanceCapacity(this IServiceCollection services)
    {
        services.AddSingleton<InstanceCapacity>();
        services.AddHostedService<CapacityReporter>();
        // Every accepted connection holds a descriptor for as long as it is open, whatever it is used for; counted at
        // the transport, so idle keep-alive connections and WebSockets count as well as streams.
        services.AddOptions<KestrelServerOptions>().Configure<InstanceCapacity>((kestrel, capacity) =>
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => async connection =>
            {
                using var counted = capacity.OpenConnection();
                await next(connection);
            })));
        return services;
    }
}
