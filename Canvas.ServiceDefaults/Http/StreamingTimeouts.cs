namespace Canvas.ServiceDefaults.Http;

/// <summary>
/// Timeouts for an HTTP client whose responses are long streams: a deadline for the response headers and
/// a limit on the silence between two reads of the body, but never a limit on the whole exchange.
/// </summary>
public sealed class StreamingTimeouts
{
    private TimeSpan _firstByte = TimeSpan.FromSeconds(120);
    private TimeSpan _idle = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how long to wait for the response headers. The default is two minutes, enough for a
    /// local model to load on a CPU.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan FirstByte
    {
        get => _firstByte;
        set => _firstByte = Positive(value);
    }

    /// <summary>
    /// Gets or sets the longest silence allowed between two reads of the response body. The default is one minute.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan Idle
    {
        get => _idle;
        set => _idle = Positive(value);
    }

    private static TimeSpan Positive(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        return value;
    }
}
