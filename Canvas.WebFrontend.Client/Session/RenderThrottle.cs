namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// Renders a streaming answer at most once per <see cref="Interval"/>, on the leading and the trailing edge, as the AI
/// SDK's <c>experimental_throttle</c> does: at 100 tokens/s the growing Markdown is parsed and diffed some twenty
/// times a second instead of a hundred, and the last tokens are never left unrendered.
/// </summary>
/// <param name="interval">The shortest time between two renders; zero renders every request.</param>
/// <param name="time">The clock.</param>
/// <param name="render">Renders the page.</param>
public sealed class RenderThrottle(TimeSpan interval, TimeProvider time, Action render) : IDisposable
{
    /// <summary>The interval the chat page uses. The default is 50 ms.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    private long? _lastRender;
    private ITimer? _trailing;

    /// <summary>
    /// Gets the interval a page address asks for with <c>?renderEveryMs=N</c> (for measuring; 0 renders every token),
    /// else <see cref="DefaultInterval"/>.
    /// </summary>
    /// <param name="address">The page's address.</param>
    /// <returns>The interval.</returns>
    public static TimeSpan IntervalFrom(string address) =>
        AddressQuery.Number(address, "renderEveryMs") is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : DefaultInterval;

    /// <summary>Gets the shortest time between two renders.</summary>
    public TimeSpan Interval => interval;

    /// <summary>Renders now if the last render is an interval old, else once when it is.</summary>
    public void Request()
    {
        if (_trailing is not null)
        {
            return;
        }

        var since = _lastRender is { } last ? time.GetElapsedTime(last) : TimeSpan.MaxValue;
        if (since >= interval)
        {
            Render();
            return;
        }

        _trailing = time.CreateTimer(_ => Flush(), null, interval - since, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Renders now, with whatever a pending render would have shown (an answer's end, a new message).</summary>
    public void Flush()
    {
        _trailing?.Dispose();
        _trailing = null;
        Render();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _trailing?.Dispose();
        _trailing = null;
    }

    private void Render()
    {
        _lastRender = time.GetTimestamp();
        render();
    }
}
