using System.Text.Json;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using StackExchange.Redis;

namespace Canvas.Tests.Conversations;

/// <summary>The conversation store contract, held by <see cref="RedisConversationStore"/> on a real redis-server, and its retention.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConversationStoreTests(RedisServerFixture redis) : ConversationStoreContractTests
{
    private const string User = "user-retained";
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";
    private ConnectionMultiplexer? _connection;

    /// <inheritdoc/>
    protected override ConversationOptions Options { get; } = new() { Retention = TimeSpan.FromDays(30) };

    private IDatabase Database => _connection!.GetDatabase();

    /// <inheritdoc/>
    protected override async Task<IConversationStore> CreateStoreAsync(TimeProvider clock, ConversationOptions options)
    {
        _connection = await redis.ConnectAsync();
        var backplane = new BackplaneOptions { KeyPrefix = _prefix };
        return new RedisConversationStore(_connection, Microsoft.Extensions.Options.Options.Create(backplane),
            Microsoft.Extensions.Options.Options.Create(options), clock);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task CreateAndAppend_EveryKeyExpiresTheRetentionAfterTheLastMessage()
    {
        // Arrange
        var created = await Store.StartAsync(User, "agent-1", "Chat", Clock.GetUtcNow()).WaitAsync(Bound);
        var metaTtlAfterCreate = await Database.KeyTimeToLiveAsync($"{_prefix}:conv:{{{created.Id}}}:meta");

        // Act
        await Database.KeyExpireAsync($"{_prefix}:conv:{{{created.Id}}}:meta", TimeSpan.FromDays(1));
        await Store.AppendAsync(User, created.Id, new ConversationMessage("user", "hi", Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);

        // Assert: each write sets the whole retention again (the test shortened it to a day in between).
        var ttls = await Task.WhenAll(
            Database.KeyTimeToLiveAsync($"{_prefix}:conv:{{{created.Id}}}:meta"),
            Database.KeyTimeToLiveAsync($"{_prefix}:conv:{{{created.Id}}}:msgs"),
            Database.KeyTimeToLiveAsync($"{_prefix}:user:{{{User}}}:convs"));
        Assert.InRange(metaTtlAfterCreate!.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        Assert.All(ttls, ttl => Assert.InRange(ttl!.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30)));
    }

    [Fact]
    public async Task Index_AWritePastTheRetention_DropsTheConversationsNotUsedSince()
    {
        // Arrange: the clock, not Redis, moves on, so the old conversation's keys still exist; its index entry must not.
        var old = await Store.StartAsync(User, "agent-1", "Old", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromDays(31));

        // Act
        var recent = await Store.StartAsync(User, "agent-1", "Recent", Clock.GetUtcNow()).WaitAsync(Bound);

        // Assert
        Assert.Equal([recent.Id], (await ListAllAsync(User)).Select(s => s.Id));
        Assert.Equal(1, await Database.SortedSetLengthAsync($"{_prefix}:user:{{{User}}}:convs"));
        Assert.NotNull(old);
    }

    [Fact]
    public async Task GetAsync_MessagesStoredWithoutIds_ReadBackWithStableIdsAndNullMetadataAndCanBeCut()
    {
        // Arrange: a conversation written before messages had ids or metadata, its messages stored as they were then.
        var created = await Store.StartAsync(User, "agent-1", "Legacy", Clock.GetUtcNow()).WaitAsync(Bound);
        var messagesKey = $"{_prefix}:conv:{{{created.Id}}}:msgs";
        await Database.KeyDeleteAsync(messagesKey);
        await Database.ListRightPushAsync(messagesKey, [
            """{"role":"user","text":"old question","createdAt":"2025-01-01T12:00:00+00:00","agentId":"agent-1","generationId":"g_old"}""",
            """{"role":"assistant","text":"old answer","createdAt":"2025-01-01T12:00:01+00:00","agentId":"agent-1","generationId":"g_old","finishReason":"stop"}""",
        ]);

        // Act
        var first = (await Store.GetAsync(User, created.Id, CancellationToken.None).WaitAsync(Bound))!;
        var second = (await Store.GetAsync(User, created.Id, CancellationToken.None).WaitAsync(Bound))!;
        var cut = await Store.ReplaceFromAsync(User, created.Id, first.Messages[0].Id!,
            new ConversationMessage("user", "new question", Clock.GetUtcNow(), "agent-1"), CancellationToken.None).WaitAsync(Bound);
        var after = (await Store.GetAsync(User, created.Id, CancellationToken.None).WaitAsync(Bound))!;

        // Assert
        Assert.Equal(["m_0", "m_1"], first.Messages.Select(m => m.Id));
        Assert.Equal(first.Messages, second.Messages);
        Assert.All(first.Messages, m => Assert.True(m is { Transport: null, Provider: null, Model: null, Usage: null, Timings: null, Reasoning: null }));
        Assert.Equal(ConversationCut.Done, cut);
        Assert.Equal(["new question"], after.Messages.Select(m => m.Text));
        Assert.NotNull(JsonSerializer.Serialize(after, CanvasJsonContext.Default.Conversation));
    }
}
