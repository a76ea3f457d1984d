using Canvas.ChatApi.Generations;
using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// One reader's view of a generation's events channel: hands out announced events and gives up after a quiet
/// period, so the reader re-reads the log and checks the owner's lease even when pub/sub stays silent.
/// </summary>
internal sealed class RedisLiveTail(ChannelMessageQueue announcements, TimeSpan quietPeriod, CancellationToken cancellationToken)
    : IAsyncDisposable
{
    // One timer source reused across waits (reset after each message); replaced only when it fired.
    private CancellationTokenSource quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

    /// <summary>Returns the next announced event, or null when none came within the quiet period.</summary>
    public async ValueTask<GenerationEvent?> NextAsync()
    {
        if (announcements.TryRead(out var ready))
        {
            return RedisGenerationBackplane.DeserializeEvent(ready.Message);
        }

        quiet.CancelAfter(quietPeriod);
        try
        {
            var message = await announcements.ReadAsync(quiet.Token).ConfigureAwait(false);
            if (!quiet.TryReset())
            {
                RenewQuietTimer();
            }

            return RedisGenerationBackplane.DeserializeEvent(message.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            RenewQuietTimer();
            return null;
        }
    }

    /// <summary>Drops this reader's subscription; the server one stays while other local readers use it.</summary>
    public async ValueTask DisposeAsync()
    {
        quiet.Dispose();
        await announcements.UnsubscribeAsync().ConfigureAwait(false);
    }

    private void RenewQuietTimer()
    {
        quiet.Dispose();
        quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }
}
