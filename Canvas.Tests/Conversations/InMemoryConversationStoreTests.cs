using Canvas.ChatApi.Conversations;

namespace Canvas.Tests.Conversations;

/// <summary>The conversation store contract, held by <see cref="InMemoryConversationStore"/>, and its bounds.</summary>
public sealed class InMemoryConversationStoreTests : ConversationStoreContractTests
{
    private const string User = "user-bounded";

    /// <inheritdoc/>
    protected override Task<IConversationStore> CreateStoreAsync(TimeProvider clock, ConversationOptions options) =>
        Task.FromResult<IConversationStore>(new InMemoryConversationStore(clock, Microsoft.Extensions.Options.Options.Create(options)));

    /// <inheritdoc/>
    public override Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CreateWithMessageAsync_BeyondMaxPerUser_DropsTheLeastRecentlyUpdated()
    {
        // Arrange: the first conversation is the oldest, but a second message makes it the most recent.
        var store = new InMemoryConversationStore(Clock, Microsoft.Extensions.Options.Options.Create(new ConversationOptions { MaxPerUser = 3 }));
        var first = await store.StartAsync(User, "agent-1", "First", Clock.GetUtcNow());
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await store.StartAsync(User, "agent-1", "Second", Clock.GetUtcNow());
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await store.StartAsync(User, "agent-1", "Third", Clock.GetUtcNow());
        Clock.Advance(TimeSpan.FromSeconds(1));
        await store.AppendAsync(User, first.Id, new ConversationMessage("user", "still here", Clock.GetUtcNow()), CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(1));

        // Act
        var fourth = await store.StartAsync(User, "agent-1", "Fourth", Clock.GetUtcNow());

        // Assert
        Assert.Equal([fourth.Id, first.Id, third.Id], ((await store.ListAsync(User, ConversationQuery.First(10), CancellationToken.None)).Items).Select(s => s.Id));
        Assert.Null(await store.GetAsync(User, second.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Conversations_PastTheRetentionSinceTheirLastMessage_AreGone()
    {
        // Arrange
        var quiet = await Store.StartAsync(User, "agent-1", "Quiet", Clock.GetUtcNow());
        var busy = await Store.StartAsync(User, "agent-1", "Busy", Clock.GetUtcNow());
        Clock.Advance(TimeSpan.FromDays(20));
        await Store.AppendAsync(User, busy.Id, new ConversationMessage("user", "keep me", Clock.GetUtcNow()), CancellationToken.None);

        // Act
        Clock.Advance(TimeSpan.FromDays(11));

        // Assert
        Assert.Null(await Store.GetAsync(User, quiet.Id, CancellationToken.None));
        Assert.NotNull(await Store.GetAsync(User, busy.Id, CancellationToken.None));
        Assert.Equal([busy.Id], (await ListAllAsync(User)).Select(s => s.Id));
        Assert.False(await Store.AppendAsync(User, quiet.Id, new ConversationMessage("user", "too late", Clock.GetUtcNow()), CancellationToken.None));
    }
}
