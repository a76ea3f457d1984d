using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Fails an answer whose stream ends without a finish reason. Every provider ends a complete answer with one (OpenAI's
/// <c>finish_reason</c>, Anthropic's <c>stop_reason</c>, Ollama's <c>done_reason</c>); an answer without it was cut short.
/// </summary>
/// <remarks>
/// Some SDKs read an in-band error (OpenAI's <c>data: {"error":…}</c>, Ollama's <c>{"error":…}</c> line) as an empty
/// update and end the stream quietly; without this check such an answer would look complete (ARCHITECTURE.md,
/// "Known pitfalls").
/// </remarks>
public sealed class FinishRequiredChatClient : DelegatingChatClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="innerClient">The provider's client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is null.</exception>
    public FinishRequiredChatClient(IChatClient innerClient)
        : base(innerClient ?? throw new ArgumentNullException(nameof(innerClient)))
    {
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return response.FinishReason is null ? throw Incomplete() : response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var finished = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            finished |= update.FinishReason is not null;
            yield return update;
        }

        if (!finished)
        {
            throw Incomplete();
        }
    }

    private static IncompleteStreamException Incomplete() =>
        new("the answer ended before the provider said it was finished; the stream was cut or carried an error.");
}
