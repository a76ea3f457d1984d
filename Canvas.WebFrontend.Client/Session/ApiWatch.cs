using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// Loads agents and conversations, and keeps doing so in the background: every half minute while the chat server
/// answers (agents' reachability changes), every few seconds while it does not, so that the page recovers by itself.
/// </summary>
/// <param name="session">The session to load.</param>
/// <param name="time">The clock for the pauses.</param>
public sealed class ApiWatch(ChatSession session, TimeProvider time)
{
    /// <summary>The pause between two checks while the server answers. The default is 30 seconds.</summary>
    public static readonly TimeSpan HealthyInterval = TimeSpan.FromSeconds(30);

    /// <summary>The first pause after a failure, doubled up to <see cref="HealthyInterval"/>. The default is 2 seconds.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);

    private int _failures;

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

    /// <summary>Checks again and again until cancelled (the page going away).</summary>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that ends when cancelled.</returns>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(NextPause(), time, cancellationToken);
                await CheckAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private TimeSpan NextPause()
    {
        if (_failures == 0)
        {
            return HealthyInterval;
        }

        var backoff = FirstRetry * Math.Pow(2, Math.Min(_failures - 1, 4));
        return backoff < HealthyInterval ? backoff : HealthyInterval;
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
