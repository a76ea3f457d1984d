using System.Text;
using System.Threading.Channels;
using Canvas.ChatApi.Backplane;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Appends an answer's text and reasoning to the backplane as fast as the backplane takes it: pieces that arrive while
/// an append is in flight are merged into the next event, but answer text and reasoning never into the same one. A
/// slow backplane (Redis under load) gets fewer, larger events; the text, and so what every reader concatenates, is
/// unchanged.
/// </summary>
internal sealed class DeltaAppender
{
    private readonly Channel<Piece> _pending = Channel.CreateUnbounded<Piece>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _reasoning = new();
    private readonly IGenerationBackplane _backplane;
    private readonly string _generationId;
    private readonly Action _onLost;
    private readonly Task<bool> _appending;

    /// <summary>Starts appending; <paramref name="onLost"/> runs when the log refuses an append or fails.</summary>
    public DeltaAppender(IGenerationBackplane backplane, string generationId, Action onLost)
    {
        _backplane = backplane;
        _generationId = generationId;
        _onLost = onLost;
        _appending = AppendAsync();
    }

    /// <summary>Gets the <c>seq</c> the next event takes; final once <see cref="CompleteAsync"/> returned.</summary>
    public long NextSeq { get; private set; } = 1;

    /// <summary>Gets the text appended so far; final once <see cref="CompleteAsync"/> returned.</summary>
    public string Answer => _answer.ToString();

    /// <summary>Gets the reasoning appended so far, or null when there was none; final once <see cref="CompleteAsync"/> returned.</summary>
    public string? Reasoning => _reasoning.Length == 0 ? null : _reasoning.ToString();

    /// <summary>Queues answer text for the log.</summary>
    public void Add(string text) => _pending.Writer.TryWrite(new Piece(text, IsReasoning: false));

    /// <summary>Queues reasoning for the log.</summary>
    public void AddReasoning(string text) => _pending.Writer.TryWrite(new Piece(text, IsReasoning: true));

    /// <summary>Waits until all queued text is in the log; false when the generation was declared lost meanwhile.</summary>
    public Task<bool> CompleteAsync()
    {
        _pending.Writer.TryComplete();
        return _appending;
    }

    private async Task<bool> AppendAsync()
    {
        var batch = new StringBuilder();
        try
        {
            // Never cancelled: text the provider sent before a cancel or a shutdown still goes to the log.
            while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
            {
                batch.Clear();
                var reasoning = false;
                if (_pending.Reader.TryPeek(out var first))
                {
                    reasoning = first.IsReasoning;
                }

                // Only pieces of the same kind merge; the next kind waits for the next event.
                while (_pending.Reader.TryPeek(out var next) && next.IsReasoning == reasoning && _pending.Reader.TryRead(out next))
                {
                    batch.Append(next.Text);
                }

                GenerationEvent appended = reasoning
                    ? new ReasoningEvent { GenerationId = _generationId, Seq = NextSeq, Text = batch.ToString() }
                    : new DeltaEvent { GenerationId = _generationId, Seq = NextSeq, Text = batch.ToString() };
                if (!await _backplane.AppendAsync(appended, CancellationToken.None))
                {
                    _onLost();
                    return false;
                }

                (reasoning ? _reasoning : _answer).Append(batch);
                NextSeq++;
            }

            return true;
        }
        catch (Exception)
        {
            _onLost();
            throw;
        }
    }

    /// <summary>A piece of text as the provider sent it.</summary>
    private readonly record struct Piece(string Text, bool IsReasoning);
}
