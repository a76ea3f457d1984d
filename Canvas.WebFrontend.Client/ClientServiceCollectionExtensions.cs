using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Session;
using Canvas.WebFrontend.Client.Transport;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Canvas.WebFrontend.Client;

/// <summary>Registers the client's services; everything talks to the frontend's own origin only.</summary>
public static class ClientServiceCollectionExtensions
{
    /// <summary>Adds the API client, the three transports, the stream client and the chat session.</summary>
    /// <param name="services">The services.</param>
    /// <param name="baseAddress">The frontend's origin, from the host environment.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddCanvasClient(this IServiceCollection services, Uri baseAddress)
    {
        // One HttpClient for the whole app: in the browser it is fetch, which has no socket pool to manage.
        services.AddSingleton(_ => new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan });
        services.AddSingleton(new ChatTransportOptions());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ICanvasApi, CanvasApiClient>();
        services.AddSingleton<IChatTransport>(provider => new WebSocketChatTransport(baseAddress, provider.GetRequiredService<ChatTransportOptions>()));
        services.AddSingleton<IChatTransport, SseChatTransport>();
        services.AddSingleton<IChatTransport, RestChatTransport>();
        services.AddSingleton<ChatStreamClient>();
        services.AddSingleton<IBrowserStorage, BrowserStorage>();
        services.AddScoped(provider => new ConversationIndex(
            provider.GetRequiredService<ICanvasApi>(), provider.GetRequiredService<IBrowserStorage>(), provider.GetRequiredService<TimeProvider>(),
            ConversationListOptions.From(provider.GetRequiredService<NavigationManager>().Uri)));
        services.AddScoped<ChatSession>();
        services.AddScoped(provider => new ApiWatch(
            provider.GetRequiredService<ChatSession>(), provider.GetRequiredService<TimeProvider>(),
            ApiWatch.IntervalFrom(provider.GetRequiredService<NavigationManager>().Uri)));
        return services;
    }
}
