using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>Adds <see cref="FinishRequiredChatClient"/> to a chat client pipeline.</summary>
public static class FinishRequiredChatClientBuilderExtensions
{
    /// <summary>Fails answers whose stream ends without a finish reason.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ChatClientBuilder UseFinishRequired(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new FinishRequiredChatClient(inner));
    }
}
