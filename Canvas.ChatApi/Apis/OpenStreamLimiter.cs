using System.Collections.Concurrent;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Limits how many streams one user holds open on this replica at once (<see cref="ChatLimitsOptions.MaxOpenStreamsPerUser"/>):
/// SSE answers and resumes, REST answers being waited for, and WebSockets (however many answers each carries).
/// </summary>
/// <param name="limits">The limit.</param>
public sealed class OpenStreamLimiter(IOptions<ChatLimitsOptions> limits)
{
    /// <summary>The wait a refused client is told: any of its streams may end at any moment.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Gets the refusal a client over the limit gets.</summary>
    public ChatRequestError Refusal => new(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
        $"Too many open streams; a user may have {limits.Value.MaxOpenStreamsPerUser} at once. Close one, or resume on a WebSocket, which carries many.")
    {
        RetryAfter = RetryAfter,
    };

    /// <summary>Opens one stream for the user; disposing the result closes it. Null when the user is at the limit.</summary>
    public IDisposable? TryOpen(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var max = limits.Value.MaxOpenStreamsPerUser;
        while (true)
        {
            var known = _open.TryGetValue(userId, out var count);
            if (count >= max)
            {
                return null;
            }

            if (known ? _open.TryUpdate(userId, count + 1, count) : _open.TryAdd(userId, 1))
            {
                return new OpenStream(this, userId);
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

    private sealed class OpenStream(OpenStreamLimiter limiter, string userId) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                limiter.Close(userId);
            }
        }
    }
}
