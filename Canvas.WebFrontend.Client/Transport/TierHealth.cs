namespace Canvas.WebFrontend.Client.Transport;

/// <summary>
/// Which tiers have failed recently, and the background probes that restore them: after a fallback the client
/// keeps using the lower tier, probes the higher one now and then, and moves back up between answers.
/// </summary>
internal sealed class TierHealth(IReadOnlyDictionary<TransportTier, IChatTransport> transports, ChatTransportOptions options, TimeProvider time) : IDisposable
{
    private readonly Dictionary<TransportTier, string> _demoted = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Raised when a background probe restores a tier.</summary>
    public event Action? Restored;

    /// <summary>Gets why a tier is demoted, or null when it is healthy.</summary>
    public string? ReasonFor(TransportTier tier) => _demoted.GetValueOrDefault(tier);

    /// <summary>Marks a tier as failing and, unless already probing it, starts probing it in the background.</summary>
    public void Demote(TransportTier tier, string reason)
    {
        var alreadyProbing = _demoted.ContainsKey(tier);
        _demoted[tier] = reason;
        if (!alreadyProbing)
        {
            _ = ProbeUntilHealthyAsync(tier, _stopping.Token);
        }
    }

    /// <summary>Marks a tier as healthy (an answer streamed over it).</summary>
    public void Restore(TransportTier tier) => _demoted.Remove(tier);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task ProbeUntilHealthyAsync(TransportTier tier, CancellationToken cancellationToken)
    {
        var interval = options.ReprobeInterval;
        var longest = options.RetryMaxDelay * 4;
        try
        {
            while (_demoted.ContainsKey(tier))
            {
                await Task.Delay(interval, time, cancellationToken);
                if (!_demoted.ContainsKey(tier))
                {
                    return;
                }

                var probe = await transports[tier].ProbeAsync(cancellationToken);
                if (probe.Works)
                {
                    _demoted.Remove(tier);
                    Restored?.Invoke();
                    return;
                }

                interval = interval * 2 < longest ? interval * 2 : longest;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client is going away.
        }
    }
}
