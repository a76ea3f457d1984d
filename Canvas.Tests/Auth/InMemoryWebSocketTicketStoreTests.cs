using Canvas.ChatApi.Auth;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Auth;

/// <summary>The ticket store contract, held by <see cref="InMemoryWebSocketTicketStore"/> on a manual clock.</summary>
public sealed class InMemoryWebSocketTicketStoreTests : WebSocketTicketStoreContractTests
{
    private readonly ManualTimeProvider clock = new(DateTimeOffset.UnixEpoch);

    /// <inheritdoc/>
    protected override Task<IWebSocketTicketStore> CreateStoreAsync() =>
        Task.FromResult<IWebSocketTicketStore>(new InMemoryWebSocketTicketStore(clock));

    /// <inheritdoc/>
    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        clock.Advance(duration);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task DisposeAsync() => Task.CompletedTask;
}
