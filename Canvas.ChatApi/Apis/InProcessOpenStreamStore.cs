using System.Collections.Concurrent;

namespace Canvas.ChatApi.Apis;

/// <summary>Per-user open-stream counts in this process's memory, for a single ChatApi instance.</summary>
public sealed class InProcessOpenStreamStore : IOpenStreamStore
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<IDisposable?> TryOpenAsync(string userId, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        while (true)
        {
            var known = _open.TryGetValue(userId, out var count);
            if (count >= max)
            {
                return ValueTask.FromResult<IDisposable?>(null);
            }

            if (known ? _open.TryUpdate(userId, count + 1, count) : _open.TryAdd(userId, 1))
            {
                return ValueTask.FromResult<IDisposable?>(new OpenStream(this, userId));
            }
        }
    }

    private void Close(string userId)
    {
        while (true)
        {
            var count = _open[userId];
            // The last stream of a user removes the entry, so idle users cost nothing.
            if (count == 1 ? _open.TryRemove(new KeyValuePair<string, int>(userId, 1)) : _open.TryUpdate(userId, count - 1, count))
            {
                return;
            }
        }
    }

    private sealed class OpenStream(InProcessOpenStreamStore store, string userId) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                store.Close(userId);
            }
        }
    }
}
