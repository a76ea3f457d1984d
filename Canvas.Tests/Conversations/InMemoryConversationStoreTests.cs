using Canvas.ChatApi.Conversations;

namespace Canvas.Tests.Conversations;

/// <summary>The conversation store contract, held by <see cref="InMemoryConversationStore"/>.</summary>
public sealed class InMemoryConversationStoreTests : ConversationStoreContractTests
{
    /// <inheritdoc/>
    protected override Task<IConversationStore> CreateStoreAsync(TimeProvider clock) =>
        Task.FromResult<IConversationStore>(new InMemoryConversationStore(clock));

    /// <inheritdoc/>
    public override Task DisposeAsync() => Task.CompletedTask;
}
