using System.Net;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Extensions;

/// <summary>Registers where ChatApi keeps generations, conversations and WebSocket tickets.</summary>
public static class BackplaneServiceCollectionExtensions
{
    /// <summary>The connection string name that switches storage to Redis (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// Adds <see cref="IGenerationBackplane"/>, <see cref="IConversationStore"/> and
    /// <see cref="IWebSocketTicketStore"/>: on Redis when <c>ConnectionStrings:redis</c> is set (one shared
    /// multiplexer from Aspire's <c>AddRedisClient</c>, with its health check and tracing), otherwise in this process's memory,
    /// which serves a single instance only. Binds and validates <see cref="BackplaneOptions"/> from
    /// <c>Canvas:Backplane</c> at start-up.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddCanvasStorage<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BackplaneOptions>().BindConfiguration(BackplaneOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackplaneOptions>, BackplaneOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReplicaIdentity>();

        var redis = builder.Configuration.GetConnectionString(RedisConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton<IGenerationBackplane, InProcessGenerationBackplane>();
            services.TryAddSingleton<IConversationStore, InMemoryConversationStore>();
            services.TryAddSingleton<IWebSocketTicketStore, InMemoryWebSocketTicketStore>();
            services.TryAddSingleton<IStartRequestLedger, InMemoryStartRequestLedger>();
            services.AddHostedService(provider => new StorageModeReporter(
                provider.GetRequiredService<ILogger<StorageModeReporter>>(), redisEndpoints: null));
            return builder;
        }

        // Parsed here so a malformed connection string fails at start-up, not on the first request.
        var configuration = ConfigurationOptions.Parse(redis);

        // Aspire's client: one multiplexer, its health check, Redis tracing and logging, Aspire:StackExchange:Redis
        // settings. It starts even while Redis is down: the multiplexer keeps reconnecting and the health check reports it.
        // A steady half-second reconnect instead of the default back-off from 2.5 s: after a Redis restart the
        // replica's lease renewals and appends resume within about a second, far inside the owner timeout.
        builder.AddRedisClient(RedisConnectionName, configureOptions: options =>
        {
            FailFastUntilConfiguredRedisDefaults.ApplyTo(options);
            options.AbortOnConnectFail = false;
            options.ReconnectRetryPolicy = new LinearRetry(500);

            // The health check asks each node of a Redis Cluster for CLUSTER INFO, which StackExchange.Redis sends only in
            // admin mode; without it an instance on a Cluster is reported unhealthy for good. ChatApi sends no admin command.
            options.AllowAdmin = true;
        });
        services.TryAddSingleton<IGenerationBackplane, RedisGenerationBackplane>();
        services.TryAddSingleton<IConversationStore, RedisConversationStore>();
        services.TryAddSingleton<IWebSocketTicketStore, RedisWebSocketTicketStore>();
        services.TryAddSingleton<IStartRequestLedger, RedisStartRequestLedger>();
        services.AddHostedService(provider => new StorageModeReporter(
            provider.GetRequiredService<ILogger<StorageModeReporter>>(),
            string.Join(", ", configuration.EndPoints.Select(Describe))));
        return builder;
    }

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };
}
