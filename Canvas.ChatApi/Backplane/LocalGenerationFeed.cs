using System.Runtime.CompilerServices;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The events of a generation this replica runs, as its appends to the shared log succeeded: readers on the
/// runner's own replica are fed from here, in process, while the shared log stays the durable record and the path
/// to every other replica. Holds only what the log accepted, and readers take it in <c>seq</c> order, so a reader
/// that switches to the log at any point continues without a gap or a duplicate.
/// </summary>
internal sealed class LocalGenerationFeed
{
    private readonly Lock _gate = new();
    private readonly List<GenerationEvent?> _events = [];
    private TaskCompletionSource _changed = NewSignal();
    private bool _closed;

    /// <summary>
    /// Adds an event the log just accepted. Pipelined appends can report back out of order, so a later seq may
    /// arrive first: readers wait at the gap until it is filled. A seq the feed holds already is ignored.
    /// </summary>
    public void Add(GenerationEvent generationEvent)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            var seq = (int)generationEvent.Seq;
            if (_closed || seq < 0 || (seq < _events.Count && _events[seq] is not null))
            {
                return;
            }

            while (_events.Count <= seq)
            {
                _events.Add(null);
            }

            _events[seq] = generationEvent;
            _closed = generationEvent.IsTerminal;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Ends the feed before its terminal event (the log refused the runner's append, or the append failed): its
    /// readers continue from the log, which knows how the generation ended.
    /// </summary>
    public void Abandon()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _closed = true;
            changed = _changed;
        }

        changed.TrySetResult();
    }

    /// <summary>Wakes every waiting reader; each looks again and, finding nothing new, waits again.</summary>
    private void Wake()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Yields the events after <paramref name="afterSeq"/> as they arrive and ends after the terminal event, or
    /// early when the feed was abandoned; the caller then reads the rest from the log.
    /// </summary>
    public async IAsyncEnumerable<GenerationEvent> ReadAsync(long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One registration per reader instead of one per wait: a cancelled reader wakes the feed's waiting readers
        // once (cancels are rare; events are not), then sees its own cancellation.
        using var wakeOnCancel = cancellationToken.UnsafeRegister(static feed => ((LocalGenerationFeed)feed!).Wake(), this);
        var next = (int)Math.Max(0, afterSeq + 1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GenerationEvent? ready = null;
            Task changed;
            bool closed;
            lock (_gate)
            {
                if (next < _events.Count)
                {
                    ready = _events[next];
                }

                changed = _changed.Task;
                closed = _closed;
            }

            if (ready is not null)
            {
                yield return ready;
                if (ready.IsTerminal)
                {
                    yield break;
                }

                next++;
                continue;
            }

            if (closed)
            {
                yield break;
            }

            await changed.ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
