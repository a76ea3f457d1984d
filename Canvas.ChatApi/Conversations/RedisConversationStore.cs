using System.Text.Json;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Conversations;

/// <summary>
/// Conversations in Redis, shared by all replicas. Each conversation is a hash (<c>…:conv:{c_…}:meta</c>: owner,
/// agent, title, timestamps, the generation answering) and a list of message JSON (<c>…:conv:{c_…}:msgs</c>), both
/// hash-tagged by the conversation id so a script can check the owner and write in one step; each user has a sorted
/// set of their conversation ids scored by last update (<c>…:user:{id}:convs</c>). No command spans two slots.
/// </summary>
/// <remarks>
/// Every key expires <see cref="ConversationOptions.Retention"/> after the conversation's last message; the index
/// drops entries older than that on every write, and entries whose conversation is gone when it is listed.
/// </remarks>
public sealed class RedisConversationStore : IConversationStore
{
    private const string UserField = "user";
    private const string AgentField = "agent";
    private const string TitleField = "title";
    private const string CreatedField = "created";
    private const string UpdatedField = "updated";
    private const string ActiveField = "active";
    private const int ListBatch = 100;

    // KEYS: meta, msgs. ARGV: user id. Deletes only the owner's conversation.
    private const string DeleteScript = """
        if redis.call('HGET', KEYS[1], 'user') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2])
        return 1
        """;

    // KEYS: meta, msgs. ARGV: user id, message JSON, updated ticks, retention ms, active generation ('' = none),
    // answered generation ('' = none). Appends only to the owner's conversation, and an answer only once: a runner
    // that lost the reply to its append sends it again.
    private const string AppendScript = """
        if redis.call('HGET', KEYS[1], 'user') ~= ARGV[1] then return 0 end
        if ARGV[6] ~= '' then
          local last = redis.call('LINDEX', KEYS[2], -1)
          if last then
            local message = cjson.decode(last)
            if message['role'] == 'assistant' and message['generationId'] == ARGV[6] then return 1 end
          end
        end
        redis.call('RPUSH', KEYS[2], ARGV[2])
        redis.call('HSET', KEYS[1], 'updated', ARGV[3], 'active', ARGV[5])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return 1
        """;

    // KEYS: meta, msgs. ARGV: user id, agent id, title, created ticks, message JSON, retention ms, active generation
    // ('' = none). Creates the conversation with its first message; returns 0 when the id is taken.
    private const string CreateWithMessageScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'user', ARGV[1], 'agent', ARGV[2], 'title', ARGV[3], 'created', ARGV[4], 'updated', ARGV[4], 'active', ARGV[7])
        redis.call('RPUSH', KEYS[2], ARGV[5])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        return 1
        """;

    // KEYS: user index. ARGV: conversation id, now ms, oldest ms kept, retention ms. Scores the conversation above
    // every other, even when two replicas touch in one millisecond or a clock is behind or steps back, so the one
    // touched last lists first; it never lowers the conversation's own score.
    private const string IndexScript = """
        local score = tonumber(ARGV[2])
        local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        if top[2] then
          local topScore = tonumber(top[2])
          if top[1] == ARGV[1] then score = math.max(score, topScore)
          elseif topScore >= score then score = topScore + 1 end
        end
        redis.call('ZADD', KEYS[1], score, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    // KEYS: meta. ARGV: user id, title. Renames only the owner's conversation; returns its fields.
    private const string RenameScript = """
        if redis.call('HGET', KEYS[1], 'user') ~= ARGV[1] then return {} end
        redis.call('HSET', KEYS[1], 'title', ARGV[2])
        return redis.call('HGETALL', KEYS[1])
        """;

    // KEYS: meta, msgs. ARGV: user id, message id, message JSON, updated ticks, retention ms, agent id, active
    // generation. Returns 1 when cut, 0 when not the owner's, -1 when there is no such message, -2 when it is not a
    // user message. A message stored without an id has the one GetAsync gives it: m_<index>.
    private const string ReplaceFromScript = """
        if redis.call('HGET', KEYS[1], 'user') ~= ARGV[1] then return 0 end
        local messages = redis.call('LRANGE', KEYS[2], 0, -1)
        for i, json in ipairs(messages) do
          local message = cjson.decode(json)
          local id = message['id']
          if type(id) ~= 'string' then id = 'm_' .. (i - 1) end
          if id == ARGV[2] then
            if message['role'] ~= 'user' then return -2 end
            if i == 1 then redis.call('DEL', KEYS[2]) else redis.call('LTRIM', KEYS[2], 0, i - 2) end
            redis.call('RPUSH', KEYS[2], ARGV[3])
            redis.call('HSET', KEYS[1], 'updated', ARGV[4], 'agent', ARGV[6], 'active', ARGV[7])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            return 1
          end
        end
        return -1
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly TimeProvider _timeProvider;
    private readonly string _prefix;
    private readonly TimeSpan _retention;

    /// <summary>Creates the store over the shared multiplexer.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">Supplies the key prefix.</param>
    /// <param name="conversationOptions">Supplies the retention.</param>
    /// <param name="timeProvider">The clock for the conversations' timestamps.</param>
    public RedisConversationStore(IConnectionMultiplexer connection, IOptions<BackplaneOptions> options,
        IOptions<ConversationOptions> conversationOptions, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(conversationOptions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connection = connection;
        _timeProvider = timeProvider;
        _prefix = options.Value.KeyPrefix;
        _retention = conversationOptions.Value.Retention;
    }

    private IDatabase Database => _connection.GetDatabase();

    private long RetentionMs => (long)_retention.TotalMilliseconds;

    /// <inheritdoc/>
    public async Task<Conversation> CreateWithMessageAsync(
        string userId, string agentId, string title, ConversationMessage first, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(first);
        var now = _timeProvider.GetUtcNow();
        var message = first with { Id = first.Id ?? Ids.NewMessageId() };
        var conversation = new Conversation(Ids.NewConversationId(), agentId, title, now, now, [message]);

        // The conversation (meta and messages share its slot) in one script, then the index: a crash in between
        // leaves an unlisted conversation, never a listed one that does not exist.
        var created = await Database.ScriptEvaluateAsync(
                CreateWithMessageScript, [MetaKey(conversation.Id), MessagesKey(conversation.Id)],
                [userId, agentId, title, now.UtcTicks, Serialize(message), RetentionMs, ActiveGenerationOf(message)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)created != 1)
        {
            throw new InvalidOperationException($"Conversation '{conversation.Id}' exists already.");
        }

        await IndexAsync(userId, conversation.Id, now, cancellationToken).ConfigureAwait(false);
        return conversation;
    }

    /// <inheritdoc/>
    public async Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(conversationId);

        // One transaction on the conversation's slot: the meta and the messages are read at the same moment.
        var transaction = Database.CreateTransaction();
        var metaTask = transaction.HashGetAllAsync(MetaKey(conversationId));
        var messagesTask = transaction.ListRangeAsync(MessagesKey(conversationId));
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var meta = await metaTask.ConfigureAwait(false);
        var messages = await messagesTask.ConfigureAwait(false);

        if (ToSummary(conversationId, meta, userId) is not { } summary)
        {
            return null;
        }

        var parsed = messages
            .Select((json, index) => JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)json).Span, CanvasJsonContext.Default.ConversationMessage) is { } message
                // Stored before messages had ids: the position is stable, because a conversation is only ever cut at its end.
                ? message with { Id = message.Id ?? $"{Ids.MessagePrefix}{index}" }
                : throw new InvalidDataException($"Conversation '{conversationId}' holds an empty message."))
            .ToList();
        return new Conversation(summary.Id, summary.AgentId, summary.Title, summary.CreatedAt, summary.UpdatedAt, parsed);
    }

    /// <inheritdoc/>
    public async Task<ConversationPage> ListAsync(string userId, ConversationQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(query);
        var database = Database;
        var indexKey = UserIndexKey(userId);
        var found = new List<(ConversationSummary Summary, ConversationCursor Position)>();
        var stale = new List<RedisValue>();

        await foreach (var batch in IndexBatchesAsync(database, indexKey, query.Before, cancellationToken).ConfigureAwait(false))
        {
            // One HGETALL per conversation, pipelined: each lives in its own slot, so no multi-key command can fetch them.
            var metas = await Task.WhenAll(batch.Select(entry => database.HashGetAllAsync(MetaKey(entry.Element.ToString()))))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Length && found.Count <= query.Limit; i++)
            {
                var id = batch[i].Element.ToString();
                if (ToSummary(id, metas[i], userId) is not { } summary)
                {
                    stale.Add(batch[i].Element);
                }
                else if (query.Matches(summary.Title))
                {
                    found.Add((summary, new ConversationCursor((long)batch[i].Score, id)));
                }
            }

            if (found.Count > query.Limit)
            {
                break;
            }
        }

        if (stale.Count > 0)
        {
            // Expired, or left by a delete racing an append's index update; the conversation itself is gone.
            await database.SortedSetRemoveAsync(indexKey, [.. stale]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var page = found.Take(query.Limit).ToList();
        return new ConversationPage(page.Select(f => f.Summary).ToList(), found.Count > query.Limit ? page[^1].Position : null);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(conversationId);
        var deleted = await Database.ScriptEvaluateAsync(
                DeleteScript, [MetaKey(conversationId), MessagesKey(conversationId)], [userId])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)deleted != 1)
        {
            return false;
        }

        await Database.SortedSetRemoveAsync(UserIndexKey(userId), conversationId)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(message);
        var now = _timeProvider.GetUtcNow();
        var appended = await Database.ScriptEvaluateAsync(
                AppendScript, [MetaKey(conversationId), MessagesKey(conversationId)],
                [userId, Serialize(message), now.UtcTicks, RetentionMs, ActiveGenerationOf(message), AnsweredGenerationOf(message)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)appended != 1)
        {
            return false;
        }

        await IndexAsync(userId, conversationId, now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<ConversationSummary?> RenameAsync(string userId, string conversationId, string title, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(title);
        var fields = (RedisResult[])(await Database.ScriptEvaluateAsync(RenameScript, [MetaKey(conversationId)], [userId, title])
            .WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var meta = fields.Chunk(2).Select(pair => new HashEntry((RedisValue)pair[0], (RedisValue)pair[1])).ToArray();
        return ToSummary(conversationId, meta, userId);
    }

    /// <inheritdoc/>
    public async Task<ConversationCut> ReplaceFromAsync(
        string userId, string conversationId, string messageId, ConversationMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.AgentId, nameof(message));
        var now = _timeProvider.GetUtcNow();
        var cut = (long)await Database.ScriptEvaluateAsync(
                ReplaceFromScript, [MetaKey(conversationId), MessagesKey(conversationId)],
                [userId, messageId, Serialize(message), now.UtcTicks, RetentionMs, message.AgentId, ActiveGenerationOf(message)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (cut)
        {
            case 1:
                await IndexAsync(userId, conversationId, now, cancellationToken).ConfigureAwait(false);
                return ConversationCut.Done;
            case -1:
                return ConversationCut.NoSuchMessage;
            case -2:
                return ConversationCut.NotAUserMessage;
            default:
                return ConversationCut.NoSuchConversation;
        }
    }

    /// <summary>
    /// Reads the user's index after <paramref name="before"/>, a batch at a time. The index orders by score (last
    /// update, ms) and then by id, both descending: exactly <see cref="ConversationCursor"/>'s order. The entries tied
    /// with the cursor's score come first, then the lower scores.
    /// </summary>
    private static async IAsyncEnumerable<SortedSetEntry[]> IndexBatchesAsync(
        IDatabase database, RedisKey indexKey, ConversationCursor? before,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (before is not null)
        {
            var tied = await database.SortedSetRangeByScoreWithScoresAsync(indexKey, before.UpdatedMs, before.UpdatedMs, order: Order.Descending)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            yield return tied.Where(entry => before.Precedes((long)entry.Score, entry.Element.ToString())).ToArray();
        }

        var below = before?.UpdatedMs ?? double.PositiveInfinity;
        for (long skip = 0; ; skip += ListBatch)
        {
            var batch = await database.SortedSetRangeByScoreWithScoresAsync(indexKey, double.NegativeInfinity, below,
                    before is null ? Exclude.None : Exclude.Stop, Order.Descending, skip, ListBatch)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            yield return batch;
            if (batch.Length < ListBatch)
            {
                yield break;
            }
        }
    }

    /// <summary>Moves the conversation to the top of the user's index and drops the entries past the retention.</summary>
    private async Task IndexAsync(string userId, string conversationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await Database.ScriptEvaluateAsync(IndexScript, [UserIndexKey(userId)],
                [conversationId, now.ToUnixTimeMilliseconds(), (now - _retention).ToUnixTimeMilliseconds(), RetentionMs])
            .WaitAsync(cancellationToken).ConfigureAwait(false);

    private static byte[] Serialize(ConversationMessage message) => JsonSerializer.SerializeToUtf8Bytes(
        message with { Id = message.Id ?? Ids.NewMessageId() }, CanvasJsonContext.Default.ConversationMessage);

    private static string ActiveGenerationOf(ConversationMessage message) =>
        message is { Role: ConversationMessage.UserRole, GenerationId: { } generationId } ? generationId : "";

    private static string AnsweredGenerationOf(ConversationMessage message) =>
        message is { Role: ConversationMessage.AssistantRole, GenerationId: { } generationId } ? generationId : "";

    private static ConversationSummary? ToSummary(string conversationId, HashEntry[] meta, string userId)
    {
        if (meta.Length == 0)
        {
            return null;
        }

        var fields = meta.ToDictionary(entry => entry.Name.ToString(), entry => entry.Value);
        if (fields.GetValueOrDefault(UserField) != userId)
        {
            return null;
        }

        var active = fields.GetValueOrDefault(ActiveField);
        return new ConversationSummary(
            conversationId,
            fields[AgentField].ToString(),
            fields[TitleField].ToString(),
            new DateTimeOffset((long)fields[CreatedField], TimeSpan.Zero),
            new DateTimeOffset((long)fields[UpdatedField], TimeSpan.Zero),
            active.IsNullOrEmpty ? null : active.ToString());
    }

    private RedisKey MetaKey(string conversationId) => $"{_prefix}:conv:{{{conversationId}}}:meta";

    private RedisKey MessagesKey(string conversationId) => $"{_prefix}:conv:{{{conversationId}}}:msgs";

    private RedisKey UserIndexKey(string userId) => $"{_prefix}:user:{{{userId}}}:convs";
}
