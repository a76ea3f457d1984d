using System.Text.Json;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.ChatApi.Conversations;

/// <summary>
/// Conversations in Redis, shared by all replicas. Each conversation is a hash (<c>…:conv:{c_…}:meta</c>: owner,
/// agent, title, timestamps) and a list of message JSON (<c>…:conv:{c_…}:msgs</c>), both hash-tagged by the
/// conversation id so a script can check the owner and write in one step; each user has a sorted set of their
/// conversation ids scored by last update (<c>…:user:{id}:convs</c>). No command spans two slots.
/// </summary>
public sealed class RedisConversationStore : IConversationStore
{
    private const string UserField = "user";
    private const string AgentField = "agent";
    private const string TitleField = "title";
    private const string CreatedField = "created";
    private const string UpdatedField = "updated";

    // KEYS: meta, msgs. ARGV: user id. Deletes only the owner's conversation.
    private const string DeleteScript = """
        if redis.call('HGET', KEYS[1], 'user') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2])
        return 1
        """;

    // KEYS: meta, msgs. ARGV: user id, message JSON, updated ticks. Appends only to the owner's conversation.
    private const string AppendScript = """
        if redis.call('HGET', KEYS[1], 'user') ~= ARGV[1] then return 0 end
        redis.call('RPUSH', KEYS[2], ARGV[2])
        redis.call('HSET', KEYS[1], 'updated', ARGV[3])
        return 1
        """;

    private readonly IConnectionMultiplexer connection;
    private readonly TimeProvider timeProvider;
    private readonly string prefix;

    /// <summary>Creates the store over the shared multiplexer.</summary>
    /// <param name="connection">The process's one multiplexer.</param>
    /// <param name="options">Supplies the key prefix.</param>
    /// <param name="timeProvider">The clock for the conversations' timestamps.</param>
    public RedisConversationStore(IConnectionMultiplexer connection, IOptions<BackplaneOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.connection = connection;
        this.timeProvider = timeProvider;
        prefix = options.Value.KeyPrefix;
    }

    private IDatabase Database => connection.GetDatabase();

    /// <inheritdoc/>
    public async Task<Conversation> CreateAsync(string userId, string agentId, string title, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(title);
        var now = timeProvider.GetUtcNow();
        var conversation = new Conversation(Ids.NewConversationId(), agentId, title, now, now, []);

        // The conversation first, then the index: a crash in between leaves an unlisted conversation, never a
        // listed one that does not exist.
        await Database.HashSetAsync(MetaKey(conversation.Id),
            [
                new(UserField, userId),
                new(AgentField, agentId),
                new(TitleField, title),
                new(CreatedField, now.UtcTicks),
                new(UpdatedField, now.UtcTicks),
            ]).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Database.SortedSetAddAsync(UserIndexKey(userId), conversation.Id, now.ToUnixTimeMilliseconds())
            .WaitAsync(cancellationToken).ConfigureAwait(false);
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
            .Select(json => JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)json).Span, CanvasJsonContext.Default.ConversationMessage)
                ?? throw new InvalidDataException($"Conversation '{conversationId}' holds an empty message."))
            .ToList();
        return new Conversation(summary.Id, summary.AgentId, summary.Title, summary.CreatedAt, summary.UpdatedAt, parsed);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var indexKey = UserIndexKey(userId);
        var ids = await Database.SortedSetRangeByRankAsync(indexKey, order: Order.Descending)
            .WaitAsync(cancellationToken).ConfigureAwait(false);

        // One HGETALL per conversation, pipelined: each lives in its own slot, so no multi-key command can fetch them.
        var database = Database;
        var metas = await Task.WhenAll(ids.Select(id => database.HashGetAllAsync(MetaKey(id.ToString()))))
            .WaitAsync(cancellationToken).ConfigureAwait(false);

        var summaries = new List<ConversationSummary>(ids.Length);
        var stale = new List<RedisValue>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (ToSummary(ids[i].ToString(), metas[i], userId) is { } summary)
            {
                summaries.Add(summary);
            }
            else
            {
                stale.Add(ids[i]);
            }
        }

        if (stale.Count > 0)
        {
            // Left by a delete racing an append's index update; the conversation itself is gone.
            await database.SortedSetRemoveAsync(indexKey, [.. stale]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Sorted by the stored timestamps, which the append script writes before the index score catches up.
        return summaries
            .OrderByDescending(summary => summary.UpdatedAt)
            .ThenByDescending(summary => summary.Id, StringComparer.Ordinal)
            .ToList();
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
        var now = timeProvider.GetUtcNow();
        var json = JsonSerializer.SerializeToUtf8Bytes(message, CanvasJsonContext.Default.ConversationMessage);
        var appended = await Database.ScriptEvaluateAsync(
                AppendScript, [MetaKey(conversationId), MessagesKey(conversationId)], [userId, json, now.UtcTicks])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)appended != 1)
        {
            return false;
        }

        await Database.SortedSetAddAsync(UserIndexKey(userId), conversationId, now.ToUnixTimeMilliseconds())
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

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

        return new ConversationSummary(
            conversationId,
            fields[AgentField].ToString(),
            fields[TitleField].ToString(),
            new DateTimeOffset((long)fields[CreatedField], TimeSpan.Zero),
            new DateTimeOffset((long)fields[UpdatedField], TimeSpan.Zero));
    }

    private RedisKey MetaKey(string conversationId) => $"{prefix}:conv:{{{conversationId}}}:meta";

    private RedisKey MessagesKey(string conversationId) => $"{prefix}:conv:{{{conversationId}}}:msgs";

    private RedisKey UserIndexKey(string userId) => $"{prefix}:user:{{{userId}}}:convs";
}
