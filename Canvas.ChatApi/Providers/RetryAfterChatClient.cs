using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Puts the wait a provider asked for (its <c>retry-after</c>, read by <see cref="ProviderRetryHandler"/>) on the
/// exception a failed call throws, whichever SDK threw it, so the <c>error</c> event can carry <c>retryAfterMs</c>.
/// </summary>
public sealed class RetryAfterChatClient : DelegatingChatClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="innerClient">The provider's client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is null.</exception>
    public RetryAfterChatClient(IChatClient innerClient)
        : base(innerClient ?? throw new ArgumentNullException(nameof(innerClient)))
    {
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var retryAfter = ProviderRetryAfter.Listen();
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            retryAfter.Attach(exception);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var retryAfter = ProviderRetryAfter.Listen();
        await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (Exception exception)
            {
                retryAfter.Attach(exception);
                throw;
            }

            yield return updates.Current;
        }
    }
}
