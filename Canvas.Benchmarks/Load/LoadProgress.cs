namespace Canvas.Benchmarks.Load;

/// <summary>A one-line progress display on stderr, redrawn once a second while the load runs.</summary>
internal sealed class LoadProgress : IAsyncDisposable
{
    private readonly int _total;
    private readonly PeriodicTimer _timer = new(TimeSpan.FromSeconds(1));
    private readonly Task _drawing;
    private readonly DateTime _started = DateTime.UtcNow;
    private int _done;
    private int _failed;

    public LoadProgress(int total)
    {
        _total = total;
        _drawing = DrawAsync();
    }

    public void Record(AnswerResult result)
    {
        Interlocked.Increment(ref _done);
        if (!result.Complete)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _drawing;
        Draw();
        Console.Error.WriteLine();
    }

    private async Task DrawAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            Draw();
        }
    }

    private void Draw() =>
        Console.Error.Write($"\r{Volatile.Read(ref _done)}/{_total} answers, {Volatile.Read(ref _failed)} failed, {(DateTime.UtcNow - _started).TotalSeconds:0} s   ");
}
