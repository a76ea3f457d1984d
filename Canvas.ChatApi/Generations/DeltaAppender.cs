using System.Text;
using System.Threading.Channels;
using Canvas.ChatApi.Backplane;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Appends an answer's text to the backplane as fast as the backplane takes it: text that arrives while an append is
/// in flight is merged into the next delta. A slow backplane (Redis under load) gets fewer, larger events; the text,
/// and so what every reader concatenates, is unchanged.
/// </summary>
internal sealed class DeltaAppender
{
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly StringBuilder _answer = new();
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

    /// <summary>Queues text for the log.</summary>
    public void Add(string text) => _pending.Writer.TryWrite(text);

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
                while (_pending.Reader.TryRead(out var text))
                {
                    batch.Append(text);
                }

                var delta = new DeltaEvent { GenerationId = _generationId, Seq = NextSeq, Text = batch.ToString() };
                if (!await _backplane.AppendAsync(delta, CancellationToken.None))
                {
                    _onLost();
                    return false;
                }

                _answer.Append(delta.Text);
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
}
