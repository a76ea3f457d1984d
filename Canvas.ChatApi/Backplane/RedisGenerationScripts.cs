using System.Globalization;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The Lua scripts of <see cref="RedisGenerationBackplane"/>. Each runs atomically on the generation's slot, which
/// is what turns "is this seq next, has the generation ended, has the lease expired" and the write that depends
/// on it into one step across replicas.
/// </summary>
/// <remarks>
/// A stream entry's id is <c>{seq}-1</c> (<c>0-0</c> is not a valid XADD id), so the log's top entry names the last
/// seq, and XRANGE with the exclusive start <c>({seq}-1</c> resumes right after a seq. The terminal entry carries
/// an extra <c>end</c> field, so one XREVRANGE tells both the last seq and whether the log is closed.
/// </remarks>
internal static class RedisGenerationScripts
{
    /// <summary>
    /// Creates the record (unless it exists) and the owner's lease.
    /// KEYS: record, lease. ARGV: record JSON, running TTL ms, owner timeout ms. Returns 1, or 0 when it existed.
    /// </summary>
    public const string Create = """
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
        return 1
        """;

    /// <summary>
    /// Creates the record, the owner's lease and the log holding <c>meta</c> at seq 0, then announces it. Sent again
    /// after a reply was lost, it finds the very same record and <c>meta</c> and answers as created already.
    /// KEYS: record, lease, log. ARGV: record JSON, running TTL ms, owner timeout ms, meta JSON, max events. The events
    /// channel is named after the log, as the append script names it. Returns 1 when created, 2 when this very
    /// generation was created already, 0 when the id is taken.
    /// </summary>
    public const string CreateWithMeta = """
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
          local held = redis.call('XRANGE', KEYS[3], '0-1', '0-1')
          if #held > 0 and held[1][2][2] == ARGV[4] then return 2 end
          return 0
        end
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '0-1', 'e', ARGV[4])
        redis.call('PEXPIRE', KEYS[3], ARGV[2])
        redis.call('PUBLISH', string.sub(KEYS[3], 1, -5) .. ':events', ARGV[4])
        return 1
        """;

    /// <summary>
    /// Appends an event when its seq is the next one, then announces it; a running generation's keys get the running
    /// TTL again whenever less than the retention is left, so a long answer needs no heartbeat to stay stored.
    /// Appending is idempotent per seq: the same event again (a retry of an append whose reply was lost) is answered
    /// as already appended, and neither stored nor announced twice; a different event at a taken seq is refused.
    /// KEYS: log, record, lease. ARGV: seq, event JSON, terminal (1/0), mode (0 append, 1 only if the lease expired,
    /// 2 probe: never write, answer -1 where it would). The events channel is the log's name with <c>:events</c> for
    /// <c>:log</c> (<see cref="RedisGenerationKeys"/>). Returns 1 when it appended the event (the log's top seq is
    /// then the event's), else { <see cref="RedisAppendOutcome"/>, the log's top seq (-1 when empty) }.
    /// </summary>
    /// <remarks>
    /// The settings are written into the script, once per backplane, instead of sent with every append: as arguments
    /// they were half of the append's arguments, and an append is sent per token. For the same reason the reply of the
    /// common case is one integer, not a table of two (one reply object instead of four), and a landed append makes
    /// four calls: the record's PTTL is both its existence check and its renewal check, and only a log this append
    /// creates lacks a TTL (every script that writes a log sets one).
    /// </remarks>
    /// <param name="maxEvents">The events a log keeps at most.</param>
    /// <param name="retentionMs">How long an ended generation stays, in milliseconds.</param>
    /// <param name="runningTtlMs">The TTL of a running generation's keys, in milliseconds.</param>
    public static string Append(int maxEvents, long retentionMs, long runningTtlMs) => AppendTemplate
        .Replace("{maxEvents}", maxEvents.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{retentionMs}", retentionMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{runningTtlMs}", runningTtlMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private const string AppendTemplate = """
        local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local topSeq = -1
        if #top > 0 then
          topSeq = tonumber(string.match(top[1][1], '^(%d+)-'))
          if ARGV[4] == '0' and tonumber(ARGV[1]) <= topSeq then
            local held = redis.call('XRANGE', KEYS[1], ARGV[1] .. '-1', ARGV[1] .. '-1')
            if #held > 0 and held[1][2][2] == ARGV[2] then return { 2, topSeq } end
            return { 0, topSeq }
          end
          local fields = top[1][2]
          for i = 1, #fields, 2 do
            if fields[i] == 'end' then return { -3, topSeq } end
          end
        end
        local recordTtl = redis.call('PTTL', KEYS[2])
        if recordTtl == -2 then return { -2, topSeq } end
        if ARGV[4] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return { -1, topSeq } end
        if tonumber(ARGV[1]) ~= topSeq + 1 then return { 0, topSeq } end
        if ARGV[4] == '2' then return { -1, topSeq } end
        local id = ARGV[1] .. '-1'
        if ARGV[3] == '1' then
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', '{maxEvents}', id, 'e', ARGV[2], 'end', '1')
          redis.call('PEXPIRE', KEYS[1], {retentionMs})
          redis.call('PEXPIRE', KEYS[2], {retentionMs})
          redis.call('DEL', KEYS[3])
        else
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', '{maxEvents}', id, 'e', ARGV[2])
          if topSeq == -1 then redis.call('PEXPIRE', KEYS[1], {runningTtlMs}) end
          if recordTtl < {retentionMs} then
            redis.call('PEXPIRE', KEYS[1], {runningTtlMs})
            redis.call('PEXPIRE', KEYS[2], {runningTtlMs})
          end
        end
        redis.call('PUBLISH', string.sub(KEYS[1], 1, -5) .. ':events', ARGV[2])
        return 1
        """;

    /// <summary>
    /// Renews the owner's lease and pushes back the running TTL of the record and the log, unless the generation
    /// is unknown or ended (a late heartbeat must not undo the retention TTL).
    /// KEYS: log, record, lease. ARGV: owner timeout ms, running TTL ms. Returns 1, or 0 when nothing was renewed.
    /// </summary>
    public const string Heartbeat = """
        if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
        local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if #top > 0 then
          local fields = top[1][2]
          for i = 1, #fields, 2 do
            if fields[i] == 'end' then return 0 end
          end
        end
        redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;
}

/// <summary>The first value the <see cref="RedisGenerationScripts.Append"/> script returns.</summary>
internal enum RedisAppendOutcome
{
    /// <summary>The log already holds its terminal event.</summary>
    Finished = -3,

    /// <summary>The generation's record does not exist (never created, or its retention passed).</summary>
    Unknown = -2,

    /// <summary>Only when asked to append if the lease expired: the owner is still heartbeating; or a probe found the seq next.</summary>
    LeaseAlive = -1,

    /// <summary>The seq is not the next one: taken already, or beyond the next.</summary>
    NotNext = 0,

    /// <summary>The event was appended and announced.</summary>
    Appended = 1,

    /// <summary>The very same event is in the log at its seq already: an earlier attempt of this append took it.</summary>
    AlreadyAppended = 2,
}
