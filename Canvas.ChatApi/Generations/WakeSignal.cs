using System.Threading.Tasks.Sources;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// A reusable signal one waiter sleeps on and any thread wakes: a sleep costs no allocation, where a
/// <see cref="TaskCompletionSource"/> per sleep cost one (with its task) per token. A wake while nobody sleeps is
/// lost by design: the waiter looks at its own state after arming the signal (see <see cref="Arm"/>).
/// </summary>
internal sealed class WakeSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _armed;

    /// <summary>
    /// Arms the signal for the next <see cref="WaitAsync"/>. The waiter arms first, then checks whether it still has
    /// to sleep (calling <see cref="Wake"/> itself if not), so a wake that came in between is never missed.
    /// </summary>
    /// <remarks>Only the waiter calls this, and only after its previous wait completed.</remarks>
    public void Arm()
    {
        _core.Reset();
        Volatile.Write(ref _armed, 1);
    }

    /// <summary>Returns the wait for the armed signal; completes at the first <see cref="Wake"/> after <see cref="Arm"/>.</summary>
    public ValueTask WaitAsync() => new(this, _core.Version);

    /// <summary>Wakes the waiter if the signal is armed; any number of threads may call it, once completes it.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.SetResult(true);
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
