using System.Collections.Concurrent;

namespace Canvas.ChatApi.Apis;

/// <summary>Per-user start buckets in this process's memory, for a single ChatApi instance.</summary>
/// <param name="time">The clock the buckets refill on.</param>
public sealed class InProcessStartRateStore(TimeProvider time) : IStartRateStore
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    /// <inheritdoc/>
    public ValueTask<TimeSpan?> TryTakeAsync(string userId, TimeSpan interval, int burst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        var now = time.GetUtcNow().UtcTicks;
        SweepNowAndThen(now);
        while (true)
        {
            var known = _arrivals.TryGetValue(userId, out var stored);
            var arrival = Math.Max(stored, now);
            var wait = arrival + interval.Ticks - (burst * interval.Ticks) - now;
            if (wait > 0)
            {
                return ValueTask.FromResult<TimeSpan?>(TimeSpan.FromTicks(wait));
            }

            var next = arrival + interval.Ticks;
            if (known ? _arrivals.TryUpdate(userId, next, stored) : _arrivals.TryAdd(userId, next))
            {
                return ValueTask.FromResult<TimeSpan?>(null);
            }
        }
    }

    // A bucket whose arrival time has passed is full, the same as no bucket: dropping it bounds the memory.
    private void SweepNowAndThen(long now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextSweepTicks, now + SweepPeriod.Ticks, due) != due)
        {
            return;
        }

        foreach (var (userId, arrival) in _arrivals)
        {
            if (arrival <= now)
            {
                _arrivals.TryRemove(new KeyValuePair<string, long>(userId, arrival));
            }
        }
    }
}
