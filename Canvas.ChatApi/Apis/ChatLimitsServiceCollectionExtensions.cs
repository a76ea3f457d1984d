using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Canvas.ChatApi.Apis;

/// <summary>Registers the per-user limits of <see cref="ChatLimitsOptions"/>.</summary>
internal static class ChatLimitsServiceCollectionExtensions
{
    public static IServiceCollection AddChatLimits(this IServiceCollection services)
    {
        services.AddOptions<ChatLimitsOptions>()
            .BindConfiguration(ChatLimitsOptions.SectionName)
            .Validate(o => o.MaxMessageChars > 0 && o.MaxRequestBodyBytes > 0 && o.MaxWebSocketMessageBytes > 0
                    && o.StartsPerMinute > 0 && o.MaxOpenStreamsPerUser > 0 && o.MaxConcurrentAnswers is null or > 0,
                $"{ChatLimitsOptions.SectionName} limits must be positive.")
            .Validate(o => o.ReservedFileDescriptors >= 0, $"{ChatLimitsOptions.SectionName}:ReservedFileDescriptors must not be negative.")
            .Validate(o => o.SseKeepAlive > TimeSpan.Zero, $"{ChatLimitsOptions.SectionName}:SseKeepAlive must be positive.")
            .Validate(o => o.StorageOutageTimeout > TimeSpan.Zero, $"{ChatLimitsOptions.SectionName}:StorageOutageTimeout must be positive.")
            .ValidateOnStart();

        // The buckets and stream counts live where the rest of the state does: with Redis, every replica shares them.
        services.TryAddSingleton<IStartRateStore>(provider => provider.GetService<IConnectionMultiplexer>() is not null
            ? ActivatorUtilities.CreateInstance<RedisStartRateStore>(provider)
            : ActivatorUtilities.CreateInstance<InProcessStartRateStore>(provider));
        services.TryAddSingleton<IOpenStreamStore>(provider => provider.GetService<IConnectionMultiplexer>() is not null
            ? ActivatorUtilities.CreateInstance<RedisOpenStreamStore>(provider)
            : new InProcessOpenStreamStore());
        services.AddSingleton<ChatStartLimiter>();
        services.AddSingleton<OpenStreamLimiter>();
        services.AddSingleton<OpenStreamLimitFilter>();
        return services;
    }
}
