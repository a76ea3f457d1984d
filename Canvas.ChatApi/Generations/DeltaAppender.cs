using System.Collections.Concurrent;
using System.Text;
using Canvas.ChatApi.Backplane;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Appends an answer's text and reasoning to the backplane as fast as the backplane takes it, with up to a window of
/// appends in flight at once (sent in seq order, so a log that executes them in order, as Redis does on one
/// connection, needs no round trip per event). Pieces that arrive while the window is full are merged into the next
/// event, but answer text and reasoning never into the same one: a slow backplane (Redis under load) gets fewer,
/// larger events; the text, and so what every reader concatenates, is unchanged. When the log keeps up, each piece
/// goes out at once: nothing waits for a timer or a batch to fill.
/// </summary>
/// <remarks>
/// <para>
/// The provider's reader and the appender meet only in a lock-free queue and one signal, set when the appender
/// sleeps: with a lock between them (a channel's), the two contended on every token under load.
/// </para>
/// <para>
/// A refusal is final only for an append sent after every earlier seq was in the log. One sent while an earlier one
/// was still in flight may have been refused only because that one failed on the connection and was sent again
/// behind it (the backplane retries such failures); it is asked once more, alone, when its predecessors are in.
/// </para>
/// </remarks>
internal sealed class DeltaAppender
{
    /// <summary>The appends a generation has in flight at most, unless told otherwise.</summary>
    public const int DefaultWindow = 8;

    private readonly ConcurrentQueue<Piece> _pending = new();
    private readonly Queue<InFlight> _inFlight = new();
    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _reasoning = new();
    private readonly IGenerationBackplane _backplane;
    private readonly string _generationId;
    private readonly Action _onLost;
    private readonly int _window;
    private readonly Task<bool> _appending;
    private readonly WakeSignal _wake = new();
    private volatile bool _completed;

    /// <summary>Starts appending; <paramref name="onLost"/> runs when the log refuses an append or fails.</summary>
    /// <param name="backplane">The log.</param>
    /// <param name="generationId">The generation whose events these are.</param>
    /// <param name="onLost">Called once when the log refused an append or failed.</param>
    /// <param name="window">The appends in flight at most; 1 awaits each before the next.</param>
    public DeltaAppender(IGenerationBackplane backplane, string generationId, Action onLost, int window = DefaultWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _backplane = backplane;
        _generationId = generationId;
        _onLost = onLost;
        _window = window;
        _appending = AppendAsync();
    }

    /// <summary>Gets the <c>seq</c> the next event takes; final once <see cref="CompleteAsync"/> returned.</summary>
    public long NextSeq { get; private set; } = 1;

    /// <summary>Gets the text the log holds so far; final once <see cref="CompleteAsync"/> returned.</summary>
    public string Answer => _answer.ToString();

    /// <summary>Gets the reasoning the log holds so far, or null when there was none; final once <see cref="CompleteAsync"/> returned.</summary>
    public string? Reasoning => _reasoning.Length == 0 ? null : _reasoning.ToString();

    /// <summary>Queues answer text for the log.</summary>
    public void Add(string text) => Enqueue(new Piece(text, IsReasoning: false));

    /// <summary>Queues reasoning for the log.</summary>
    public void AddReasoning(string text) => Enqueue(new Piece(text, IsReasoning: true));

    /// <summary>Waits until all queued text is in the log; false when the generation was declared lost meanwhile.</summary>
    public Task<bool> CompleteAsync()
    {
        _completed = true;
        Wake();
        return _appending;
    }

    private void Enqueue(Piece piece)
    {
        _pending.Enqueue(piece);
        Wake();
    }

    private void Wake() => _wake.Wake();

    /// <summary>Returns a wait that completes at the next text or completion.</summary>
    /// <remarks>Not async, and awaited in the appender's own loop: an async helper allocated its state machine per sleep, so per token.</remarks>
    private ValueTask Sleep()
    {
        _wake.Arm();

        // Text (or completion) that arrived before the signal was armed would otherwise wake nobody.
        if (!_pending.IsEmpty || _completed)
        {
            Wake();
        }

        return _wake.WaitAsync();
    }

    private async Task<bool> AppendAsync()
    {
        var batch = new StringBuilder();
        try
        {
            // Never cancelled: text the provider sent before a cancel or a shutdown still goes to the log.
            while (true)
            {
                // Sleeps until text is queued or the answer is complete; ends when complete and nothing is left.
                while (_pending.IsEmpty && !_completed)
                {
                    await Sleep().ConfigureAwait(false);
                }

                if (_pending.IsEmpty)
                {
                    break;
                }

                // Finished appends are collected without waiting; a full window waits for its oldest.
                while (_inFlight.TryPeek(out var oldest) && (oldest.Append.IsCompleted || _inFlight.Count >= _window))
                {
                    if (!await SettleOldestAsync())
                    {
                        return Lost();
                    }
                }

                _pending.TryDequeue(out var first);
                var reasoning = first.IsReasoning;
                var text = first.Text;

                // Only pieces of the same kind merge; the next kind waits for the next event. One reader only, so a
                // peeked piece is still there to dequeue. A piece that goes alone keeps its own string.
                if (_pending.TryPeek(out var next) && next.IsReasoning == reasoning)
                {
                    batch.Clear().Append(text);
                    while (_pending.TryPeek(out next) && next.IsReasoning == reasoning && _pending.TryDequeue(out next))
                    {
                        batch.Append(next.Text);
                    }

                    text = batch.ToString();
                }

                GenerationEvent appended = reasoning
                    ? new ReasoningEvent { GenerationId = _generationId, Seq = NextSeq, Text = text }
                    : new DeltaEvent { GenerationId = _generationId, Seq = NextSeq, Text = text };
                _inFlight.Enqueue(new InFlight(appended, _backplane.AppendAsync(appended, CancellationToken.None), Pipelined: _inFlight.Count > 0));
                NextSeq++;
            }

            while (_inFlight.Count > 0)
            {
                if (!await SettleOldestAsync())
                {
                    return Lost();
                }
            }

            return true;
        }
        catch (Exception)
        {
            _onLost();
            throw;
        }
    }

    /// <summary>Waits for the oldest append in flight; true when its event is in the log.</summary>
    private async Task<bool> SettleOldestAsync()
    {
        var oldest = _inFlight.Dequeue();

        // Every earlier seq is in the log now, so a second answer is final.
        var appended = await oldest.Append.ConfigureAwait(false)
            || (oldest.Pipelined && await _backplane.AppendAsync(oldest.Event, CancellationToken.None).ConfigureAwait(false));
        if (appended)
        {
            switch (oldest.Event)
            {
                case DeltaEvent delta:
                    _answer.Append(delta.Text);
                    break;
                case ReasoningEvent reasoning:
                    _reasoning.Append(reasoning.Text);
                    break;
            }
        }

        return appended;
    }

    private bool Lost()
    {
        _onLost();
        return false;
    }

    /// <summary>A piece of text as the provider sent it.</summary>
    private readonly record struct Piece(string Text, bool IsReasoning);

    /// <summary>An append sent to the log; <paramref name="Pipelined"/> when an earlier one was still in flight.</summary>
    private readonly record struct InFlight(GenerationEvent Event, Task<bool> Append, bool Pipelined);
}
