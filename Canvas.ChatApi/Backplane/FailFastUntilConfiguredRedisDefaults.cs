using StackExchange.Redis;
using StackExchange.Redis.Configuration;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// StackExchange.Redis defaults for ChatApi's multiplexer: until its first configuration is over, a command for a node
/// whose connection is down fails at once instead of waiting in the node's queue; from then on commands wait through a
/// blip as usual (<see cref="BacklogPolicy.Default"/>).
/// </summary>
/// <remarks>
/// StackExchange.Redis 3.4 starts the multiplexer's heartbeat, which reopens dropped connections and times out what
/// waits for them, only when the first configuration returns. A Cluster node that drops between its handshake and the
/// slot-map request that follows leaves that request queued for a connection nothing reopens, so the configuration
/// never returns and the instance stays cut off from the node for good (seen in a Cluster chaos run). Failed at once,
/// the request lets the configuration finish with the nodes that answered; the heartbeat then reconnects the node and
/// the multiplexer configures itself again.
/// </remarks>
internal sealed class FailFastUntilConfiguredRedisDefaults : DefaultOptionsProvider
{
    private static readonly TimeSpan ConfiguredCheckInterval = TimeSpan.FromMilliseconds(500);

    private volatile bool _configured;

    private FailFastUntilConfiguredRedisDefaults()
    {
    }

    /// <summary>Makes these the defaults of <paramref name="options"/>, for its backlog policy too.</summary>
    /// <param name="options">The options the multiplexer is created with.</param>
    public static void ApplyTo(ConfigurationOptions options)
    {
        options.Defaults = new FailFastUntilConfiguredRedisDefaults();

        // Aspire binds its configuration section onto the options, and the binder writes the backlog policy it read back
        // into the property, which then overrides any default; cleared, the policy comes from these defaults again.
        options.BacklogPolicy = null!;
    }

    /// <inheritdoc/>
    public override BacklogPolicy BacklogPolicy => _configured ? BacklogPolicy.Default : BacklogPolicy.FailFast;

    /// <inheritdoc/>
    public override Task AfterConnectAsync(ConnectionMultiplexer multiplexer, Action<string> log)
    {
        _ = QueueOnceConfiguredAsync(multiplexer);
        return Task.CompletedTask;
    }

    // A synchronous connect stops waiting for the first configuration after ConnectTimeout × ConnectRetry, and that
    // configuration may still be running. ConfigureAsync declines (false) while any configuration is in progress, so
    // the first one that runs proves the first configuration over.
    private async Task QueueOnceConfiguredAsync(ConnectionMultiplexer multiplexer)
    {
        while (!_configured)
        {
            try
            {
                _configured = await multiplexer.ConfigureAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Nodes unreachable for now: asked again below.
            }

            if (!_configured)
            {
                await Task.Delay(ConfiguredCheckInterval).ConfigureAwait(false);
            }
        }
    }
}
