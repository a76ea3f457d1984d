using Canvas.ChatApi.Generations;
using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// One reader's view of a generation's events channel: hands out announced events and gives up after a quiet
/// period, so the reader re-reads the log and checks the owner's lease even when pub/sub stays silent.
/// </summary>
/// <remarks>
/// The quiet timer is armed once per period, not once per event: when it fires and events came meanwhile, the
/// period was not quiet and the next one starts. A busy tail so costs one timer change every period.
/// </remarks>
internal sealed class RedisLiveTail(ChannelMessageQueue announcements, TimeSpan quietPeriod, CancellationToken cancellationToken)
    : IAsyncDisposable
{
    private CancellationTokenSource? _quiet;
    private bool _heardSinceArmed;

    /// <summary>Returns the next announced event, or null when none came within the quiet period.</summary>
    public async ValueTask<GenerationEvent?> NextAsync()
    {
        while (true)
        {
            if (announcements.TryRead(out var ready))
            {
                _heardSinceArmed = true;
                return RedisGenerationBackplane.DeserializeEvent(ready.Message);
            }

            _quiet ??= Arm();
            try
            {
                var message = await announcements.ReadAsync(_quiet.Token).ConfigureAwait(false);
                _heardSinceArmed = true;
                return RedisGenerationBackplane.DeserializeEvent(message.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var heard = _heardSinceArmed;
                _quiet.Dispose();
                _quiet = null;
                if (!heard)
                {
                    return null;
                }
            }
        }
    }

    /// <summary>Drops this reader's subscription; the server one stays while other local readers use it.</summary>
    public async ValueTask DisposeAsync()
    {
        _quiet?.Dispose();
        await announcements.UnsubscribeAsync().ConfigureAwait(false);
    }

    private CancellationTokenSource Arm()
    {
        _heardSinceArmed = false;
        var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(quietPeriod);
        return quiet;
    }
}
