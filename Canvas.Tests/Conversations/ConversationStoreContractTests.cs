using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Conversations;

/// <summary>
/// What every <see cref="IConversationStore"/> must do. Each implementation's test class derives from this and
/// only says how to build the store; the clock is a <see cref="ManualTimeProvider"/> so "most recent" is exact.
/// </summary>
public abstract class ConversationStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private const string Owner = "user-owner";
    private const string Stranger = "user-stranger";

    /// <summary>Gets the store's clock; tests move it between writes.</summary>
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Gets the store under test.</summary>
    protected IConversationStore Store { get; private set; } = null!;

    /// <summary>Creates a store over storage of its own that reads time from <paramref name="clock"/>.</summary>
    protected abstract Task<IConversationStore> CreateStoreAsync(TimeProvider clock);

    /// <inheritdoc/>
    public async Task InitializeAsync() => Store = await CreateStoreAsync(Clock);

    /// <inheritdoc/>
    public abstract Task DisposeAsync();

    [Fact]
    public async Task CreateAsync_ReturnsAnEmptyConversationThatGetReturnsToo()
    {
        // Act
        var created = await Store.CreateAsync(Owner, "agent-1", "Hello", CancellationToken.None).WaitAsync(Bound);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.StartsWith(Ids.ConversationPrefix, created.Id);
        Assert.Equal(24, created.Id.Length);
        Assert.Empty(created.Messages);
        Assert.Equal(Clock.GetUtcNow(), created.CreatedAt);
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        Assert.NotNull(found);
        Assert.Equal(created.Summary, found.Summary);
        Assert.Empty(found.Messages);
    }

    [Fact]
    public async Task GetAsync_AnotherUsersConversation_ReturnsNullLikeAMissingOne()
    {
        // Arrange
        var created = await Store.CreateAsync(Owner, "agent-1", "Mine", CancellationToken.None).WaitAsync(Bound);

        // Act
        var asStranger = await Store.GetAsync(Stranger, created.Id, CancellationToken.None).WaitAsync(Bound);
        var missing = await Store.GetAsync(Owner, Ids.NewConversationId(), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Null(asStranger);
        Assert.Null(missing);
    }

    [Fact]
    public async Task AppendAsync_Messages_AreKeptInOrderWithEveryFieldAndUpdateTheConversation()
    {
        // Arrange
        var created = await Store.CreateAsync(Owner, "agent-1", "Chat", CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var question = new ConversationMessage(ConversationMessage.UserRole, "Hi there", Clock.GetUtcNow());
        var answer = new ConversationMessage(ConversationMessage.AssistantRole, "Hello! ✨", Clock.GetUtcNow(),
            AgentId: "agent-1", GenerationId: Ids.NewGenerationId(), FinishReason: FinishReasons.Stop);

        // Act
        var questionAppended = await Store.AppendAsync(Owner, created.Id, question, CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var answerAppended = await Store.AppendAsync(Owner, created.Id, answer, CancellationToken.None).WaitAsync(Bound);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(questionAppended);
        Assert.True(answerAppended);
        Assert.NotNull(found);
        Assert.Equal([question, answer], found.Messages);
        Assert.Equal(created.CreatedAt, found.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), found.UpdatedAt);
    }

    [Fact]
    public async Task AppendAsync_AnotherUsersConversation_IsRefusedAndWritesNothing()
    {
        // Arrange
        var created = await Store.CreateAsync(Owner, "agent-1", "Mine", CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var intruding = new ConversationMessage(ConversationMessage.UserRole, "let me in", Clock.GetUtcNow());

        // Act
        var appended = await Store.AppendAsync(Stranger, created.Id, intruding, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);
        Assert.NotNull(found);
        Assert.Empty(found.Messages);
        Assert.Equal(created.UpdatedAt, found.UpdatedAt);
        Assert.Empty(await Store.ListAsync(Stranger, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task AppendAsync_MissingConversation_IsRefused()
    {
        // Arrange
        var message = new ConversationMessage(ConversationMessage.UserRole, "anyone?", Clock.GetUtcNow());

        // Act
        var appended = await Store.AppendAsync(Owner, Ids.NewConversationId(), message, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
        Assert.Empty(await Store.ListAsync(Owner, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task ListAsync_ReturnsOnlyTheUsersConversationsMostRecentlyUpdatedFirst()
    {
        // Arrange
        var first = await Store.CreateAsync(Owner, "agent-1", "First", CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.CreateAsync(Owner, "agent-2", "Second", CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await Store.CreateAsync(Owner, "agent-1", "Third", CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.CreateAsync(Stranger, "agent-1", "Not yours", CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var message = new ConversationMessage(ConversationMessage.UserRole, "back to the first", Clock.GetUtcNow());
        await Store.AppendAsync(Owner, first.Id, message, CancellationToken.None).WaitAsync(Bound);

        // Act
        var listed = await Store.ListAsync(Owner, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal([first.Id, third.Id, second.Id], listed.Select(summary => summary.Id));
        Assert.Equal(first.Summary with { UpdatedAt = Clock.GetUtcNow() }, listed[0]);
        Assert.Equal(second.Summary, listed[2]);
    }

    [Fact]
    public async Task DeleteAsync_OwnConversation_RemovesItFromGetListAndAppend()
    {
        // Arrange
        var kept = await Store.CreateAsync(Owner, "agent-1", "Kept", CancellationToken.None).WaitAsync(Bound);
        var deleted = await Store.CreateAsync(Owner, "agent-1", "Deleted", CancellationToken.None).WaitAsync(Bound);
        var message = new ConversationMessage(ConversationMessage.AssistantRole, "late answer", Clock.GetUtcNow());

        // Act
        var wasDeleted = await Store.DeleteAsync(Owner, deleted.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(wasDeleted);
        Assert.Null(await Store.GetAsync(Owner, deleted.Id, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal([kept.Id], (await Store.ListAsync(Owner, CancellationToken.None).WaitAsync(Bound)).Select(s => s.Id));
        Assert.False(await Store.AppendAsync(Owner, deleted.Id, message, CancellationToken.None).WaitAsync(Bound));
        Assert.False(await Store.DeleteAsync(Owner, deleted.Id, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task DeleteAsync_AnotherUsersConversation_IsRefusedAndKeepsIt()
    {
        // Arrange
        var created = await Store.CreateAsync(Owner, "agent-1", "Mine", CancellationToken.None).WaitAsync(Bound);

        // Act
        var deleted = await Store.DeleteAsync(Stranger, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(deleted);
        Assert.NotNull(await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound));
        Assert.Single(await Store.ListAsync(Owner, CancellationToken.None).WaitAsync(Bound));
    }
}
