using System.Runtime.CompilerServices;
using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>Turns a stream that goes quiet for too long into a <see cref="TransportFailedException"/>.</summary>
internal static class StreamDeadlines
{
    /// <summary>
    /// Enumerates <paramref name="open"/>'s events, failing when the first takes longer than
    /// <paramref name="first"/> or any later one longer than <paramref name="idle"/>.
    /// </summary>
    public static async IAsyncEnumerable<ChatEvent> ApplyAsync(
        Func<CancellationToken, IAsyncEnumerable<ChatEvent>> open,
        TransportTier tier,
        TimeSpan first,
        TimeSpan idle,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var events = open(deadline.Token).GetAsyncEnumerator(deadline.Token);
        var started = false;
        while (true)
        {
            deadline.CancelAfter(started ? idle : first);
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (Exception exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Cancelling a read surfaces as OperationCanceledException, or as the socket's own exception.
                throw new TransportFailedException(tier, started
                    ? $"The stream went quiet for more than {idle.TotalSeconds:0.#} s."
                    : $"The first event did not arrive within {first.TotalSeconds:0.#} s: a proxy may be buffering the stream.", exception);
            }

            if (!more)
            {
                yield break;
            }

            started = true;
            deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            yield return events.Current;
        }
    }
}
