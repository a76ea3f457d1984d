namespace Canvas.Tests.Chaos;

/// <summary>
/// The hang bound of one disruption. It counts only the time the system under test has the answer: waiting for the
/// fault gate or for a killed instance's replacement is the run's own queue, and postpones it.
/// </summary>
public sealed class ChaosDeadline : IDisposable
{
    private readonly CancellationTokenSource _expiry = new();
    private readonly TimeSpan _bound;
    private DateTime _due;

    /// <summary>Creates the bound, not running yet: <see cref="Restart"/> starts it.</summary>
    public ChaosDeadline(TimeSpan bound) => _bound = bound;

    /// <summary>Gets the token that fires when the bound has passed.</summary>
    public CancellationToken Token => _expiry.Token;

    /// <summary>Starts the whole bound from now: when the disruption begins, or once it holds the fault gate.</summary>
    public void Restart()
    {
        lock (_expiry)
        {
            _due = DateTime.UtcNow + _bound;
            _expiry.CancelAfter(_bound);
        }
    }

    /// <summary>Moves the bound on by time spent waiting for the run itself.</summary>
    public void Postpone(TimeSpan waited)
    {
        lock (_expiry)
        {
            if (_expiry.IsCancellationRequested || _due == default)
            {
                return;
            }

            _due += waited;
            _expiry.CancelAfter(_due - DateTime.UtcNow);
        }
    }

    public void Dispose() => _expiry.Dispose();
}
