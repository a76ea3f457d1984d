using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// Loads agents and conversations, and keeps doing so in the background: every half minute while the chat server
/// answers (agents' reachability changes), every few seconds while it does not, so that the page recovers by itself.
/// A failure seen elsewhere (an answer that cannot get through, an action the server failed) checks at once
/// (<see cref="CheckSoon"/>), so a server that stopped mid-session is named as such within a request, not half a
/// minute later.
/// </summary>
/// <param name="session">The session to load.</param>
/// <param name="time">The clock for the pauses.</param>
/// <param name="healthyInterval">The pause between two checks while the server answers; null for <see cref="HealthyInterval"/>.</param>
public sealed class ApiWatch(ChatSession session, TimeProvider time, TimeSpan? healthyInterval = null)
{
    /// <summary>The default pause between two checks while the server answers: 30 seconds.</summary>
    public static readonly TimeSpan HealthyInterval = TimeSpan.FromSeconds(30);

    /// <summary>The first pause after a failure, doubled up to the healthy interval: 2 seconds.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _healthyInterval = healthyInterval ?? HealthyInterval;

    private int _failures;
    private TaskCompletionSource _wake = NewWake();

    /// <summary>Raised when <see cref="Problem"/> changes.</summary>
    public event Action? Changed;

    /// <summary>Raised when the server answers again after failing.</summary>
    public event Func<Task>? Recovered;

    /// <summary>Gets why the chat server cannot be used, in words that name the fix; null while it answers.</summary>
    public string? Problem { get; private set; }

    /// <summary>Loads once; a failure sets <see cref="Problem"/> instead of throwing.</summary>
    /// <param name="cancellationToken">Stops the load.</param>
    /// <returns>True when the server answered.</returns>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await session.LoadAsync(cancellationToken);
        }
        catch (Exception exception) when (ApiFailure.IsApiFailure(exception) && !cancellationToken.IsCancellationRequested)
        {
            _failures++;
            SetProblem(ApiFailure.Describe(exception));
            return false;
        }

        var recovered = Problem is not null;
        _failures = 0;
        SetProblem(null);
        if (recovered && Recovered is { } handler)
        {
            await handler();
        }

        return true;
    }

    /// <summary>Ends the watch's current pause, so that it checks now; a check already running is followed by another.</summary>
    public void CheckSoon() => _wake.TrySetResult();

    /// <summary>Checks again and again until cancelled (the page going away).</summary>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that ends when cancelled.</returns>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using (var pause = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    await Task.WhenAny(Task.Delay(NextPause(), time, pause.Token), _wake.Task);
                    await pause.CancelAsync();
                }

                cancellationToken.ThrowIfCancellationRequested();
                _wake = NewWake();
                await CheckAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the healthy interval <c>?apiCheckEveryMs=</c> sets in the page's address, if it does (for tests that must not wait on it).</summary>
    /// <param name="address">The page's address.</param>
    /// <returns>The interval, or null for the default.</returns>
    public static TimeSpan? IntervalFrom(string address) =>
        AddressQuery.Number(address, "apiCheckEveryMs", minimum: 1000) is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : null;

    private TimeSpan NextPause()
    {
        if (_failures == 0)
        {
            return _healthyInterval;
        }

        var backoff = FirstRetry * Math.Pow(2, Math.Min(_failures - 1, 4));
        return backoff < _healthyInterval ? backoff : _healthyInterval;
    }

    private void SetProblem(string? problem)
    {
        if (problem != Problem)
        {
            Problem = problem;
            Changed?.Invoke();
        }
    }
}
