using System.Collections.Concurrent;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Conversations;

/// <summary>
/// Conversations kept in this process's memory: the store of a single ChatApi instance without Redis. They do
/// not survive a restart.
/// </summary>
/// <param name="timeProvider">The clock for <see cref="Conversation.CreatedAt"/> and <see cref="Conversation.UpdatedAt"/>.</param>
public sealed class InMemoryConversationStore(TimeProvider timeProvider) : IConversationStore
{
    private readonly ConcurrentDictionary<string, OwnedConversation> conversations = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<Conversation> CreateAsync(string userId, string agentId, string title, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(title);
        var now = timeProvider.GetUtcNow();
        var conversation = new Conversation(Ids.NewConversationId(), agentId, title, now, now, []);
        conversations[conversation.Id] = new OwnedConversation(userId, conversation);
        return Task.FromResult(conversation);
    }

    /// <inheritdoc/>
    public Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult(FindOwned(userId, conversationId)?.Current);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        IReadOnlyList<ConversationSummary> summaries = conversations.Values
            .Where(owned => owned.UserId == userId)
            .Select(owned => owned.Current?.Summary)
            .OfType<ConversationSummary>()
            .OrderByDescending(summary => summary.UpdatedAt)
            .ThenByDescending(summary => summary.Id, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(summaries);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (FindOwned(userId, conversationId) is not { } owned || !owned.TryDelete())
        {
            return Task.FromResult(false);
        }

        conversations.TryRemove(new KeyValuePair<string, OwnedConversation>(conversationId, owned));
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var appended = FindOwned(userId, conversationId)?.TryAppend(message, timeProvider.GetUtcNow()) ?? false;
        return Task.FromResult(appended);
    }

    private OwnedConversation? FindOwned(string userId, string conversationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(conversationId);
        return conversations.TryGetValue(conversationId, out var owned) && owned.UserId == userId ? owned : null;
    }

    /// <summary>A conversation and its owner; appends and the delete are serialized so none is lost or resurrected.</summary>
    private sealed class OwnedConversation(string userId, Conversation conversation)
    {
        private readonly Lock gate = new();
        private Conversation? current = conversation;

        public string UserId => userId;

        /// <summary>Gets the conversation as it is now; null once deleted.</summary>
        public Conversation? Current
        {
            get
            {
                lock (gate)
                {
                    return current;
                }
            }
        }

        public bool TryAppend(ConversationMessage message, DateTimeOffset now)
        {
            lock (gate)
            {
                if (current is null)
                {
                    return false;
                }

                // A new immutable snapshot per append: readers holding the previous one never see it change.
                current = current with { UpdatedAt = now, Messages = [.. current.Messages, message] };
                return true;
            }
        }

        public bool TryDelete()
        {
            lock (gate)
            {
                var existed = current is not null;
                current = null;
                return existed;
            }
        }
    }
}
