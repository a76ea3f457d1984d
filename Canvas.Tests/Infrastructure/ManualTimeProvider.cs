namespace Canvas.Tests.Infrastructure;

/// <summary>A clock that stands still until a test moves it; only <see cref="GetUtcNow"/> is controlled.</summary>
/// <param name="start">The time the clock starts at.</param>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long utcTicks = start.UtcTicks;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock forward (or, by a negative span, back, as a wall clock may be set).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref utcTicks, by.Ticks);
}
