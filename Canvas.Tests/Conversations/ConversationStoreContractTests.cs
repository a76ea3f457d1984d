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

    /// <summary>Gets the options the store is built with; a test class may change them before its tests run.</summary>
    protected virtual ConversationOptions Options { get; } = new();

    /// <summary>Creates a store over storage of its own that reads time from <paramref name="clock"/>.</summary>
    protected abstract Task<IConversationStore> CreateStoreAsync(TimeProvider clock, ConversationOptions options);

    /// <inheritdoc/>
    public async Task InitializeAsync() => Store = await CreateStoreAsync(Clock, Options);

    /// <summary>Lists everything the user has, in one page.</summary>
    protected async Task<IReadOnlyList<ConversationSummary>> ListAllAsync(string userId) =>
        (await Store.ListAsync(userId, ConversationQuery.First(1000), CancellationToken.None).WaitAsync(Bound)).Items;

    /// <summary>The messages as they were appended, before the store gave them ids.</summary>
    protected static IEnumerable<ConversationMessage> WithoutIds(IEnumerable<ConversationMessage> messages) =>
        messages.Select(message => message with { Id = null });

    /// <inheritdoc/>
    public abstract Task DisposeAsync();

    [Fact]
    public async Task CreateWithMessageAsync_CreatesTheConversationHoldingTheMessage_ListedFirstAndAnswering()
    {
        // Arrange
        var earlier = await Store.StartAsync(Owner, "agent-1", "Earlier", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var first = new ConversationMessage(ConversationMessage.UserRole, "Hello there", Clock.GetUtcNow(), "agent-2", "g_first");

        // Act
        var created = await Store.CreateWithMessageAsync(Owner, "agent-2", "Hello", first, CancellationToken.None).WaitAsync(Bound);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);
        var asStranger = await Store.GetAsync(Stranger, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.StartsWith(Ids.ConversationPrefix, created.Id);
        Assert.Equal(24, created.Id.Length);
        var stored = Assert.Single(created.Messages);
        Assert.StartsWith(Ids.MessagePrefix, stored.Id);
        Assert.Equal(first, stored with { Id = null });
        Assert.NotNull(found);
        Assert.Equal(created.Summary, found.Summary);
        Assert.Equal(created.Messages, found.Messages);
        Assert.Equal("g_first", found.ActiveGenerationId);
        Assert.Equal(Clock.GetUtcNow(), found.CreatedAt);
        Assert.Equal(found.CreatedAt, found.UpdatedAt);
        Assert.Equal([created.Id, earlier.Id], (await ListAllAsync(Owner)).Select(summary => summary.Id));
        Assert.Equal("g_first", (await ListAllAsync(Owner))[0].ActiveGenerationId);
        Assert.Null(asStranger);
        Assert.Empty(await ListAllAsync(Stranger));
    }

    [Fact]
    public async Task CreateWithMessageAsync_ThenTheAnswer_IsAConversationLikeAnyOther()
    {
        // Arrange
        var question = new ConversationMessage(ConversationMessage.UserRole, "Why?", Clock.GetUtcNow(), "agent-1", "g_1");
        var created = await Store.CreateWithMessageAsync(Owner, "agent-1", "Why?", question, CancellationToken.None).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var answer = new ConversationMessage(ConversationMessage.AssistantRole, "Because.", Clock.GetUtcNow(), "agent-1", "g_1", "stop");

        // Act
        var appended = await Store.AppendAsync(Owner, created.Id, answer, CancellationToken.None).WaitAsync(Bound);
        var foreignAppend = await Store.AppendAsync(Stranger, created.Id, answer, CancellationToken.None).WaitAsync(Bound);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(appended);
        Assert.False(foreignAppend);
        Assert.NotNull(found);
        Assert.Equal([question, answer], WithoutIds(found.Messages));
        Assert.Null(found.ActiveGenerationId);
        Assert.Equal(Clock.GetUtcNow(), found.UpdatedAt);
    }

    [Fact]
    public async Task GetAsync_AnotherUsersConversation_ReturnsNullLikeAMissingOne()
    {
        // Arrange
        var created = await Store.StartAsync(Owner, "agent-1", "Mine", Clock.GetUtcNow()).WaitAsync(Bound);

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
        var created = await Store.StartAsync(Owner, "agent-1", "Chat", Clock.GetUtcNow()).WaitAsync(Bound);
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
        Assert.Equal([.. WithoutIds(created.Messages), question, answer], WithoutIds(found.Messages));
        Assert.All(found.Messages, message => Assert.Matches("^m_[A-Za-z0-9_-]{22}$", message.Id));
        Assert.NotEqual(found.Messages[^2].Id, found.Messages[^1].Id);
        Assert.Equal(created.CreatedAt, found.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), found.UpdatedAt);
    }

    [Fact]
    public async Task AppendAsync_TheSameGenerationsAnswerAgain_IsKeptOnce_WhileAnotherAnswerIsAppended()
    {
        // Arrange: a runner whose first write of its answer landed but whose reply was lost sends it again.
        var question = new ConversationMessage(ConversationMessage.UserRole, "Hi there", Clock.GetUtcNow());
        var answer = new ConversationMessage(ConversationMessage.AssistantRole, "Hello!", Clock.GetUtcNow(),
            AgentId: "agent-1", GenerationId: Ids.NewGenerationId(), FinishReason: FinishReasons.Stop);
        var regenerated = answer with { Text = "Hello again!", GenerationId = Ids.NewGenerationId() };
        var created = await Store.CreateWithMessageAsync(Owner, "agent-1", "Chat", question, CancellationToken.None).WaitAsync(Bound);

        // Act
        var first = await Store.AppendAsync(Owner, created.Id, answer, CancellationToken.None).WaitAsync(Bound);
        var again = await Store.AppendAsync(Owner, created.Id, answer, CancellationToken.None).WaitAsync(Bound);
        var other = await Store.AppendAsync(Owner, created.Id, regenerated, CancellationToken.None).WaitAsync(Bound);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(first);
        Assert.True(again);
        Assert.True(other);
        Assert.Equal([question, answer, regenerated], WithoutIds(found!.Messages));
    }

    [Fact]
    public async Task AppendAsync_AnotherUsersConversation_IsRefusedAndWritesNothing()
    {
        // Arrange
        var created = await Store.StartAsync(Owner, "agent-1", "Mine", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(5));
        var intruding = new ConversationMessage(ConversationMessage.UserRole, "let me in", Clock.GetUtcNow());

        // Act
        var appended = await Store.AppendAsync(Stranger, created.Id, intruding, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(appended);
        var found = await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound);
        Assert.NotNull(found);
        Assert.Equal(created.Messages, found.Messages);
        Assert.Equal(created.UpdatedAt, found.UpdatedAt);
        Assert.Empty(await ListAllAsync(Stranger));
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
        Assert.Empty(await ListAllAsync(Owner));
    }

    [Fact]
    public async Task ListAsync_ReturnsOnlyTheUsersConversationsMostRecentlyUpdatedFirst()
    {
        // Arrange
        var first = await Store.StartAsync(Owner, "agent-1", "First", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.StartAsync(Owner, "agent-2", "Second", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await Store.StartAsync(Owner, "agent-1", "Third", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.StartAsync(Stranger, "agent-1", "Not yours", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var message = new ConversationMessage(ConversationMessage.UserRole, "back to the first", Clock.GetUtcNow());
        await Store.AppendAsync(Owner, first.Id, message, CancellationToken.None).WaitAsync(Bound);

        // Act
        var listed = await ListAllAsync(Owner);

        // Assert
        Assert.Equal([first.Id, third.Id, second.Id], listed.Select(summary => summary.Id));
        Assert.Equal(first.Summary with { UpdatedAt = Clock.GetUtcNow() }, listed[0]);
        Assert.Equal(second.Summary, listed[2]);
    }

    [Fact]
    public async Task DeleteAsync_OwnConversation_RemovesItFromGetListAndAppend()
    {
        // Arrange
        var kept = await Store.StartAsync(Owner, "agent-1", "Kept", Clock.GetUtcNow()).WaitAsync(Bound);
        var deleted = await Store.StartAsync(Owner, "agent-1", "Deleted", Clock.GetUtcNow()).WaitAsync(Bound);
        var message = new ConversationMessage(ConversationMessage.AssistantRole, "late answer", Clock.GetUtcNow());

        // Act
        var wasDeleted = await Store.DeleteAsync(Owner, deleted.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.True(wasDeleted);
        Assert.Null(await Store.GetAsync(Owner, deleted.Id, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal([kept.Id], (await ListAllAsync(Owner)).Select(s => s.Id));
        Assert.False(await Store.AppendAsync(Owner, deleted.Id, message, CancellationToken.None).WaitAsync(Bound));
        Assert.False(await Store.DeleteAsync(Owner, deleted.Id, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task DeleteAsync_AnotherUsersConversation_IsRefusedAndKeepsIt()
    {
        // Arrange
        var created = await Store.StartAsync(Owner, "agent-1", "Mine", Clock.GetUtcNow()).WaitAsync(Bound);

        // Act
        var deleted = await Store.DeleteAsync(Stranger, created.Id, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.False(deleted);
        Assert.NotNull(await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound));
        Assert.Single(await ListAllAsync(Owner));
    }

    [Fact]
    public async Task ListAsync_TheConversationTouchedLast_ListsFirst_EvenWhenTheClockStandsStillOrStepsBack()
    {
        // Arrange: a and b created in one millisecond, a answered after the clock stepped back, c created after that.
        var a = await Store.StartAsync(Owner, "agent-1", "a", Clock.GetUtcNow()).WaitAsync(Bound);
        var b = await Store.StartAsync(Owner, "agent-1", "b", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(-1));
        var answer = new ConversationMessage(ConversationMessage.AssistantRole, "late", Clock.GetUtcNow());
        Assert.True(await Store.AppendAsync(Owner, a.Id, answer, CancellationToken.None).WaitAsync(Bound));
        var c = await Store.StartAsync(Owner, "agent-1", "c", Clock.GetUtcNow()).WaitAsync(Bound);

        // Act
        var listed = await ListAllAsync(Owner);

        // Assert
        Assert.Equal([c.Id, a.Id, b.Id], listed.Select(summary => summary.Id));
    }

    [Fact]
    public async Task ListAsync_PageByPage_ReturnsEveryConversationOnceInOrderThenNoCursor()
    {
        // Arrange: seven conversations, three of them created in the same millisecond.
        var created = new List<Conversation>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await Store.StartAsync(Owner, "agent-1", $"Chat {i}", Clock.GetUtcNow()).WaitAsync(Bound));
            if (i is not (2 or 3))
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var expected = Enumerable.Reverse(created).Select(c => c.Id).ToList();

        // Act
        var pages = new List<ConversationPage>();
        ConversationCursor? before = null;
        do
        {
            var page = await Store.ListAsync(Owner, new ConversationQuery(2, before), CancellationToken.None).WaitAsync(Bound);
            pages.Add(page);
            before = page.Next;
        }
        while (before is not null && pages.Count < 10);

        // Assert
        Assert.Equal([2, 2, 2, 1], pages.Select(page => page.Items.Count));
        Assert.Equal(expected, pages.SelectMany(page => page.Items).Select(summary => summary.Id));
        Assert.Null(pages[^1].Next);
    }

    [Fact]
    public async Task ListAsync_WithSearch_ReturnsOnlyTitlesContainingItIgnoringCaseAndPagesThem()
    {
        // Arrange
        var soup = await Store.StartAsync(Owner, "agent-1", "Tomato SOUP recipe", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.StartAsync(Owner, "agent-1", "Train times", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var moreSoup = await Store.StartAsync(Owner, "agent-1", "Soupe à l'oignon", Clock.GetUtcNow()).WaitAsync(Bound);
        await Store.StartAsync(Stranger, "agent-1", "Stranger's soup", Clock.GetUtcNow()).WaitAsync(Bound);

        // Act
        var first = await Store.ListAsync(Owner, new ConversationQuery(1, Search: "soup"), CancellationToken.None).WaitAsync(Bound);
        var second = await Store.ListAsync(Owner, new ConversationQuery(1, first.Next, "soup"), CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal([moreSoup.Id], first.Items.Select(s => s.Id));
        Assert.Equal([soup.Id], second.Items.Select(s => s.Id));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task ListAsync_WhileTheLastUserMessageIsUnanswered_NamesItsActiveGeneration()
    {
        // Arrange
        var created = await Store.StartAsync(Owner, "agent-1", "Chat", Clock.GetUtcNow()).WaitAsync(Bound);
        var generationId = Ids.NewGenerationId();
        var question = new ConversationMessage(ConversationMessage.UserRole, "Hi", Clock.GetUtcNow(), "agent-1", generationId);
        var answer = new ConversationMessage(ConversationMessage.AssistantRole, "Hello", Clock.GetUtcNow(), "agent-1", generationId, FinishReasons.Stop);

        // Act
        var idle = (await ListAllAsync(Owner)).Single();
        await Store.AppendAsync(Owner, created.Id, question, CancellationToken.None).WaitAsync(Bound);
        var answering = (await ListAllAsync(Owner)).Single();
        await Store.AppendAsync(Owner, created.Id, answer, CancellationToken.None).WaitAsync(Bound);
        var answered = (await ListAllAsync(Owner)).Single();

        // Assert
        Assert.Null(idle.ActiveGenerationId);
        Assert.Equal(generationId, answering.ActiveGenerationId);
        Assert.Null(answered.ActiveGenerationId);
    }

    [Fact]
    public async Task RenameAsync_OwnConversation_ChangesTheTitleButNotTheOrder()
    {
        // Arrange
        var older = await Store.StartAsync(Owner, "agent-1", "Older", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = await Store.StartAsync(Owner, "agent-1", "Newer", Clock.GetUtcNow()).WaitAsync(Bound);
        Clock.Advance(TimeSpan.FromSeconds(1));

        // Act
        var renamed = await Store.RenameAsync(Owner, older.Id, "Renamed ✨", CancellationToken.None).WaitAsync(Bound);
        var byStranger = await Store.RenameAsync(Stranger, newer.Id, "Mine now", CancellationToken.None).WaitAsync(Bound);
        var missing = await Store.RenameAsync(Owner, Ids.NewConversationId(), "Nothing", CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(older.Summary with { Title = "Renamed ✨" }, renamed);
        Assert.Null(byStranger);
        Assert.Null(missing);
        Assert.Equal([newer.Summary, older.Summary with { Title = "Renamed ✨" }], await ListAllAsync(Owner));
    }

    [Fact]
    public async Task ReplaceFromAsync_AUserMessage_CutsItAndWhatFollowsAppendsTheNewOneAndTakesItsAgent()
    {
        // Arrange
        var created = await Store.CreateWithMessageAsync(
            Owner, "agent-1", "Chat", new ConversationMessage("user", "one", Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);
        foreach (var (role, text) in new[] { ("assistant", "1"), ("user", "two"), ("assistant", "2") })
        {
            await Store.AppendAsync(Owner, created.Id, new ConversationMessage(role, text, Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);
        }

        var before = (await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound))!;
        Clock.Advance(TimeSpan.FromSeconds(5));
        var edited = new ConversationMessage(ConversationMessage.UserRole, "two, again", Clock.GetUtcNow(), "agent-2", Ids.NewGenerationId());

        // Act
        var cut = await Store.ReplaceFromAsync(Owner, created.Id, before.Messages[2].Id!, edited, CancellationToken.None).WaitAsync(Bound);
        var after = (await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound))!;

        // Assert
        Assert.Equal(ConversationCut.Done, cut);
        Assert.Equal(["one", "1", "two, again"], after.Messages.Select(m => m.Text));
        Assert.Equal(before.Messages.Take(2), after.Messages.Take(2));
        Assert.NotEqual(before.Messages[2].Id, after.Messages[2].Id);
        Assert.Equal("agent-2", after.AgentId);
        Assert.Equal(Clock.GetUtcNow(), after.UpdatedAt);
        Assert.Equal(edited.GenerationId, after.ActiveGenerationId);
    }

    [Fact]
    public async Task ReplaceFromAsync_TheFirstMessage_LeavesOnlyTheNewOne()
    {
        // Arrange
        var created = await Store.CreateWithMessageAsync(
            Owner, "agent-1", "Chat", new ConversationMessage("user", "first", Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);
        await Store.AppendAsync(Owner, created.Id, new ConversationMessage("assistant", "answer", Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);
        var first = (await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound))!.Messages[0];
        var edited = new ConversationMessage(ConversationMessage.UserRole, "first, again", Clock.GetUtcNow(), "agent-1");

        // Act
        var cut = await Store.ReplaceFromAsync(Owner, created.Id, first.Id!, edited, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(ConversationCut.Done, cut);
        Assert.Equal(["first, again"], (await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound))!.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task ReplaceFromAsync_UnknownOrAssistantMessageOrStranger_IsRefusedAndWritesNothing()
    {
        // Arrange
        var created = await Store.CreateWithMessageAsync(
            Owner, "agent-1", "Chat", new ConversationMessage("user", "q", Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);
        await Store.AppendAsync(Owner, created.Id, new ConversationMessage("assistant", "a", Clock.GetUtcNow()), CancellationToken.None).WaitAsync(Bound);
        var before = (await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound))!;
        var edited = new ConversationMessage(ConversationMessage.UserRole, "edited", Clock.GetUtcNow(), "agent-2");

        // Act
        var unknown = await Store.ReplaceFromAsync(Owner, created.Id, Ids.NewMessageId(), edited, CancellationToken.None).WaitAsync(Bound);
        var assistant = await Store.ReplaceFromAsync(Owner, created.Id, before.Messages[1].Id!, edited, CancellationToken.None).WaitAsync(Bound);
        var stranger = await Store.ReplaceFromAsync(Stranger, created.Id, before.Messages[0].Id!, edited, CancellationToken.None).WaitAsync(Bound);

        // Assert
        Assert.Equal(ConversationCut.NoSuchMessage, unknown);
        Assert.Equal(ConversationCut.NotAUserMessage, assistant);
        Assert.Equal(ConversationCut.NoSuchConversation, stranger);
        Assert.Equal(before, (await Store.GetAsync(Owner, created.Id, CancellationToken.None).WaitAsync(Bound))!, ConversationComparer.Instance);
    }

    /// <summary>Compares conversations by value, messages included.</summary>
    private sealed class ConversationComparer : IEqualityComparer<Conversation>
    {
        public static readonly ConversationComparer Instance = new();

        public bool Equals(Conversation? x, Conversation? y) =>
            x is not null && y is not null && x.Summary == y.Summary && x.Messages.SequenceEqual(y.Messages);

        public int GetHashCode(Conversation obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
