using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Canvas.ServiceDefaults.Http;

/// <summary>Turns a named HttpClient into one that is safe for long streaming responses.</summary>
public static class StreamingHttpClientBuilderExtensions
{
    /// <summary>
    /// Removes the standard resilience handler and the total <see cref="HttpClient.Timeout"/>, and adds
    /// <see cref="StreamingTimeoutHandler"/> instead.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="timeouts">The timeouts to apply.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// The standard handler's attempt and total timeouts cut answers that stream for longer than they allow,
    /// and a retry after the first byte would replay a stream (see ARCHITECTURE.md, "Known pitfalls").
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IHttpClientBuilder AddStreamingTimeouts(this IHttpClientBuilder builder, StreamingTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(timeouts);

#pragma warning disable EXTEXP0001 // Experimental, but the documented way to opt one client out of ConfigureHttpClientDefaults.
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        // A stream abandoned mid-answer is closed at once instead of drained for reuse, so the upstream sees the
        // cancel (and stops generating) immediately.
        builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        builder.AddHttpMessageHandler(services => new StreamingTimeoutHandler(timeouts, services.GetService<TimeProvider>()));
        return builder;
    }
}
