using System.Collections.Concurrent;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Conversations;

/// <summary>
/// Conversations kept in this process's memory: the store of a single ChatApi instance without Redis. They do
/// not survive a restart. Each user keeps at most <see cref="ConversationOptions.MaxPerUser"/>, none older than
/// <see cref="ConversationOptions.Retention"/>.
/// </summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly ConcurrentDictionary<string, Shelf> _shelves = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ConversationOptions _options;

    /// <summary>Creates an empty store.</summary>
    /// <param name="timeProvider">The clock for <see cref="Conversation.CreatedAt"/> and <see cref="Conversation.UpdatedAt"/>.</param>
    /// <param name="options">The retention and the cap per user.</param>
    public InMemoryConversationStore(TimeProvider timeProvider, IOptions<ConversationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _options = options.Value;
    }

    /// <inheritdoc/>
    public Task<Conversation> CreateWithMessageAsync(
        string userId, string agentId, string title, ConversationMessage first, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(first);
        var now = _timeProvider.GetUtcNow();
        var conversation = new Conversation(Ids.NewConversationId(), agentId, title, now, now, [first with { Id = first.Id ?? Ids.NewMessageId() }]);
        return Task.FromResult(ShelfOf(userId).Add(conversation, now - _options.Retention, _options.MaxPerUser));
    }

    /// <inheritdoc/>
    public Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return Task.FromResult(FindShelf(userId)?.Get(conversationId, Oldest()));
    }

    /// <inheritdoc/>
    public Task<ConversationPage> ListAsync(string userId, ConversationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var listed = (FindShelf(userId)?.All(Oldest()) ?? [])
            .Select(conversation => conversation.Summary)
            .Where(summary => query.Matches(summary.Title)
                && (query.Before is not { } before || before.Precedes(summary.UpdatedAt.ToUnixTimeMilliseconds(), summary.Id)))
            .OrderByDescending(summary => summary.UpdatedAt.ToUnixTimeMilliseconds())
            .ThenByDescending(summary => summary.Id, StringComparer.Ordinal)
            .Take(query.Limit + 1)
            .ToList();
        var page = listed.Take(query.Limit).ToList();
        return Task.FromResult(new ConversationPage(page, listed.Count > query.Limit ? ConversationCursor.Of(page[^1]) : null));
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return Task.FromResult(FindShelf(userId)?.Update(conversationId, Oldest(), _ => null) is not null);
    }

    /// <inheritdoc/>
    public Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(message);
        var now = _timeProvider.GetUtcNow();
        var withId = message with { Id = message.Id ?? Ids.NewMessageId() };
        var appended = FindShelf(userId)?.Touch(conversationId, Oldest(), now,
            (current, touched) => IsAnswerAgain(current.Messages, message) ? current : current with { UpdatedAt = touched, Messages = [.. current.Messages, withId] });
        return Task.FromResult(appended is not null);
    }

    private static bool IsAnswerAgain(IReadOnlyList<ConversationMessage> messages, ConversationMessage message) =>
        message is { Role: ConversationMessage.AssistantRole, GenerationId: { } generationId }
        && messages is [.., { Role: ConversationMessage.AssistantRole } last] && last.GenerationId == generationId;

    /// <inheritdoc/>
    public Task<ConversationSummary?> RenameAsync(string userId, string conversationId, string title, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(title);
        var renamed = FindShelf(userId)?.Update(conversationId, Oldest(), current => current with { Title = title });
        return Task.FromResult(renamed?.Summary);
    }

    /// <inheritdoc/>
    public Task<ConversationCut> ReplaceFromAsync(
        string userId, string conversationId, string messageId, ConversationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(message);
        var now = _timeProvider.GetUtcNow();
        var withId = message with { Id = message.Id ?? Ids.NewMessageId() };
        var outcome = ConversationCut.NoSuchConversation;
        FindShelf(userId)?.Touch(conversationId, Oldest(), now, (current, touched) =>
        {
            var index = current.Messages.ToList().FindIndex(m => m.Id == messageId);
            outcome = index < 0 ? ConversationCut.NoSuchMessage
                : current.Messages[index].Role != ConversationMessage.UserRole ? ConversationCut.NotAUserMessage
                : ConversationCut.Done;
            return outcome != ConversationCut.Done ? current : current with
            {
                AgentId = message.AgentId ?? current.AgentId,
                UpdatedAt = touched,
                Messages = [.. current.Messages.Take(index), withId],
            };
        });
        return Task.FromResult(outcome);
    }

    private DateTimeOffset Oldest() => _timeProvider.GetUtcNow() - _options.Retention;

    private Shelf ShelfOf(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _shelves.GetOrAdd(userId, static _ => new Shelf());
    }

    private Shelf? FindShelf(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _shelves.GetValueOrDefault(userId);
    }

    /// <summary>
    /// One user's conversations. Every change is serialized under one lock, so no append is lost and a deleted
    /// conversation is never resurrected; each change makes a new immutable snapshot, so readers holding the
    /// previous one never see it change. A change that touches a conversation stamps it later than every earlier
    /// touch, to the millisecond the list is ordered by, so the conversation touched last lists first even when two
    /// touches fall in one millisecond or the clock steps back.
    /// </summary>
    private sealed class Shelf
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
        private long _lastTouchedMs = long.MinValue;

        /// <summary>Adds the conversation stamped as touched last; returns it as stored.</summary>
        public Conversation Add(Conversation conversation, DateTimeOffset oldest, int max)
        {
            lock (_gate)
            {
                DropExpired(oldest);
                conversation = conversation with { UpdatedAt = Stamp(conversation.UpdatedAt) };
                _conversations[conversation.Id] = conversation;
                while (_conversations.Count > max)
                {
                    var leastRecent = _conversations.Values.MinBy(c => (c.UpdatedAt, c.Id), LeastRecentFirst.Instance)!;
                    _conversations.Remove(leastRecent.Id);
                }

                return conversation;
            }
        }

        public Conversation? Get(string conversationId, DateTimeOffset oldest)
        {
            lock (_gate)
            {
                DropExpired(oldest);
                return _conversations.GetValueOrDefault(conversationId);
            }
        }

        public List<Conversation> All(DateTimeOffset oldest)
        {
            lock (_gate)
            {
                DropExpired(oldest);
                return [.. _conversations.Values];
            }
        }

        /// <summary>Replaces the conversation with what <paramref name="change"/> makes of it (null deletes it); returns what it was, or null when missing.</summary>
        public Conversation? Update(string conversationId, DateTimeOffset oldest, Func<Conversation, Conversation?> change)
        {
            lock (_gate)
            {
                DropExpired(oldest);
                if (!_conversations.TryGetValue(conversationId, out var current))
                {
                    return null;
                }

                if (change(current) is { } changed)
                {
                    _conversations[conversationId] = changed;
                    return changed;
                }

                _conversations.Remove(conversationId);
                return current;
            }
        }

        /// <summary>Like <see cref="Update"/>, giving <paramref name="change"/> the touch's stamp (see <see cref="Shelf"/>).</summary>
        public Conversation? Touch(string conversationId, DateTimeOffset oldest, DateTimeOffset now, Func<Conversation, DateTimeOffset, Conversation?> change) =>
            Update(conversationId, oldest, current => change(current, Stamp(now)));

        /// <summary>Called under the gate.</summary>
        private DateTimeOffset Stamp(DateTimeOffset now)
        {
            var ms = now.ToUnixTimeMilliseconds();
            if (ms <= _lastTouchedMs)
            {
                ms = _lastTouchedMs + 1;
                now = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }

            _lastTouchedMs = ms;
            return now;
        }

        private void DropExpired(DateTimeOffset oldest)
        {
            foreach (var expired in _conversations.Values.Where(c => c.UpdatedAt < oldest).Select(c => c.Id).ToList())
            {
                _conversations.Remove(expired);
            }
        }
    }

    private sealed class LeastRecentFirst : IComparer<(DateTimeOffset UpdatedAt, string Id)>
    {
        public static readonly LeastRecentFirst Instance = new();

        public int Compare((DateTimeOffset UpdatedAt, string Id) x, (DateTimeOffset UpdatedAt, string Id) y) =>
            x.UpdatedAt != y.UpdatedAt ? x.UpdatedAt.CompareTo(y.UpdatedAt) : string.CompareOrdinal(x.Id, y.Id);
    }
}
