namespace Canvas.ChatApi.Backplane;

/// <summary>Settings of the generation backplane, bound from <c>Canvas:Backplane</c>.</summary>
public sealed class BackplaneOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Canvas:Backplane";

    /// <summary>Gets or sets how long a finished generation stays replayable. The default is one hour.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how often a runner renews its lease; with Redis also how long an idle reader waits on pub/sub
    /// before it re-reads the log and checks the lease. The default is two seconds.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long a running generation may go without a heartbeat before its subscribers end it with
    /// <c>generation_lost</c>. The default is ten seconds; it must exceed <see cref="HeartbeatInterval"/>. A reader
    /// also waits until the expired lease stays missing for two heartbeat intervals, so a generation is declared
    /// lost within this plus five intervals of its runner stopping.
    /// </summary>
    public TimeSpan OwnerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the most events one generation's log keeps; older ones are trimmed. The default is 100,000,
    /// far above any answer's token count, so trimming only guards memory against a runaway stream.
    /// </summary>
    public int MaxEventsPerGeneration { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the prefix of every Redis key and channel; it must not contain <c>{</c> or <c>}</c>, which would
    /// break the keys' hash tags. The default is <c>canvas</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "canvas";
}
