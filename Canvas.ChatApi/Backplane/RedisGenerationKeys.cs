using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The Redis keys and channels of one generation. All keys carry the generation id as a hash tag
/// (<c>{g_…}</c>), so they share one cluster slot and a Lua script may touch them together.
/// </summary>
internal readonly struct RedisGenerationKeys
{
    /// <summary>Creates the names for <paramref name="generationId"/> under <paramref name="prefix"/>.</summary>
    public RedisGenerationKeys(string prefix, string generationId)
    {
        var stem = $"{prefix}:gen:{{{generationId}}}";
        Log = $"{stem}:log";
        Record = $"{stem}:rec";
        Lease = $"{stem}:lease";
        Cancel = $"{stem}:cancel";
        EventsChannel = RedisChannel.Literal($"{stem}:events");
        CancelChannel = RedisChannel.Literal($"{stem}:cancel");
        LogRecordLease = [Log, Record, Lease];
    }

    /// <summary>Gets the stream holding the events; entry id <c>{seq}-1</c>, field <c>e</c> the event JSON.</summary>
    public RedisKey Log { get; }

    /// <summary>Gets the string holding the <see cref="Generations.GenerationRecord"/> JSON.</summary>
    public RedisKey Record { get; }

    /// <summary>Gets the owner's heartbeat lease, a key that lives for <see cref="BackplaneOptions.OwnerTimeout"/>.</summary>
    public RedisKey Lease { get; }

    /// <summary>Gets the flag set by a cancel request, for a runner that subscribes after it.</summary>
    public RedisKey Cancel { get; }

    /// <summary>Gets the channel that announces each appended event (its JSON); the append script names it after <see cref="Log"/>.</summary>
    public RedisChannel EventsChannel { get; }

    /// <summary>
    /// Gets the keys the append and heartbeat scripts take (log, record, lease). Shared by every append of the
    /// generation instead of an array per append; the multiplexer only reads it.
    /// </summary>
    public RedisKey[] LogRecordLease { get; }

    /// <summary>Gets the channel that carries cancel requests.</summary>
    public RedisChannel CancelChannel { get; }
}
