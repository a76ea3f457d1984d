using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>Adds <see cref="RetryAfterChatClient"/> to a chat client pipeline.</summary>
public static class RetryAfterChatClientBuilderExtensions
{
    /// <summary>Puts the wait a provider asked for on the exception of a failed call.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>Add it innermost, next to the SDK's client, and <see cref="ProviderRetryHandler"/> on its HttpClient.</remarks>
    public static ChatClientBuilder UseRetryAfter(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new RetryAfterChatClient(inner));
    }
}
