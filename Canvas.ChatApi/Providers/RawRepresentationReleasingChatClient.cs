using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Lets go of the SDK's own object behind each streamed update (<see cref="ChatResponseUpdate.RawRepresentation"/>
/// and that of its contents) as the update passes; text, finish reason, usage and ids stay.
/// </summary>
/// <remarks>
/// The OpenTelemetry client keeps every update of an answer until the answer ends, to describe it on its span. With
/// the SDK's objects attached (OllamaSharp's parsed chunk, its message and their strings) that held about twice the
/// bytes per token alive for the whole answer, and every young-generation GC copied them: the pause, not the work,
/// was the per-token latency's tail (BENCHMARKS.md, "Profile notes"). Nothing in Canvas reads the raw objects.
/// </remarks>
public sealed class RawRepresentationReleasingChatClient : DelegatingChatClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="innerClient">The provider's client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is null.</exception>
    public RawRepresentationReleasingChatClient(IChatClient innerClient)
        : base(innerClient ?? throw new ArgumentNullException(nameof(innerClient)))
    {
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            update.RawRepresentation = null;
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                contents[i].RawRepresentation = null;
            }

            yield return update;
        }
    }
}
