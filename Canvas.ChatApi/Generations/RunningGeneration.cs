using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Generations;

/// <summary>A generation this replica is running: its cancellation, which a cancel request or shutdown triggers.</summary>
internal sealed class RunningGeneration : IDisposable
{
    private readonly CancellationTokenSource _cancellation;

    public RunningGeneration(StartGeneration command, MetaEvent meta, IReadOnlyList<ChatMessage> history, CancellationToken stopping)
    {
        Command = command;
        Meta = meta;
        History = history;
        Stopping = stopping;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    public StartGeneration Command { get; }
    public MetaEvent Meta { get; }
    public IReadOnlyList<ChatMessage> History { get; }
    public CancellationToken Stopping { get; }
    public CancellationToken Token => _cancellation.Token;
    public bool CancelRequested { get; private set; }

    /// <summary>Gets whether the log refused this runner's appends (another replica declared it lost).</summary>
    public bool Abandoned { get; private set; }
    public Task? Completion { get; set; }

    public void RequestCancel()
    {
        CancelRequested = true;
        Cancel();
    }

    public void Abandon()
    {
        Abandoned = true;
        Cancel();
    }

    private void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The generation ended while the cancel travelled.
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
