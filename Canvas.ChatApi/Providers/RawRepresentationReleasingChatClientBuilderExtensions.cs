using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>Adds <see cref="RawRepresentationReleasingChatClient"/> to a chat client pipeline.</summary>
public static class RawRepresentationReleasingChatClientBuilderExtensions
{
    /// <summary>Drops the SDK's raw object from each streamed update, so clients that keep updates keep less.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ChatClientBuilder UseRawRepresentationRelease(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new RawRepresentationReleasingChatClient(inner));
    }
}
