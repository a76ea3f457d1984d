using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A fake clock that tells the test every time code starts waiting on it (a timer or a <c>Task.Delay</c>), and for
/// how long, so the test moves the clock exactly when the code waits instead of guessing when that is.
/// </summary>
public sealed class WaitSignallingTimeProvider : FakeTimeProvider
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Gets how many waits have started and not been taken by <see cref="NextWaitAsync"/>.</summary>
    public int PendingWaits => _waits.Reader.Count;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _waits.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until code starts waiting on the clock and returns for how long it waits.</summary>
    public async Task<TimeSpan> NextWaitAsync() => await _waits.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);
}
