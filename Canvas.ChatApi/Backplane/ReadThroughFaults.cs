using System.Runtime.CompilerServices;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Backplane;

/// <summary>Reading a generation on a stream that is already open, through a Redis fault.</summary>
public static class ReadThroughFaults
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Reads as <see cref="IGenerationBackplane.ReadAsync"/> does, but a read that fails transiently
    /// (<see cref="TransientRedis"/>) reads on after the last event it delivered instead of ending the stream: an open
    /// SSE or REST answer pauses through a Redis restart or a Cluster's <c>CLUSTERDOWN</c>, sees each seq once, and
    /// still ends, since the read that comes back checks the runner's lease as every read does. Reads that have kept
    /// failing for <paramref name="outageTimeout"/> with nothing delivered meanwhile end it with their last failure,
    /// so the client resumes elsewhere rather than wait on this instance for good.
    /// </summary>
    public static async IAsyncEnumerable<GenerationEvent> ReadThroughFaultsAsync(
        this IGenerationBackplane backplane, string generationId, long afterSeq, TimeSpan outageTimeout, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        ArgumentNullException.ThrowIfNull(time);
        var last = afterSeq;
        long? failingSince = null;
        while (true)
        {
            var events = backplane.ReadAsync(generationId, last, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    GenerationEvent next;
                    try
                    {
                        if (!await events.MoveNextAsync())
                        {
                            yield break;
                        }

                        next = events.Current;
                    }
                    catch (Exception exception) when (TransientRedis.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
                    {
                        failingSince ??= time.GetTimestamp();
                        if (time.GetElapsedTime(failingSince.Value) >= outageTimeout)
                        {
                            throw;
                        }

                        break;
                    }

                    yield return next;
                    last = next.Seq;
                    failingSince = null;
                }
            }
            finally
            {
                await DisposeQuietlyAsync(events);
            }

            await Task.Delay(RetryDelay, time, cancellationToken);
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<GenerationEvent> events)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception))
        {
            // Leaving a subscription behind on a connection that failed costs nothing; the read goes on.
        }
    }
}
