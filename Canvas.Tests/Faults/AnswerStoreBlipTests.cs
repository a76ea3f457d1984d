using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Canvas.Tests.Faults;

/// <summary>
/// The store fails once as a whole answer is being kept (a Redis restart or a Cluster failover, the reply to the write
/// lost on the way back): the runner asks again, the answer ends <c>done</c> instead of <c>generation_lost</c>, and the
/// conversation holds it once.
/// </summary>
public sealed class AnswerStoreBlipTests : ChatApiTest
{
    private readonly AnswerWrittenThenReplyLost _store = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        var registered = services.Single(service => service.ServiceType == typeof(IConversationStore));
        services.Remove(registered);
        services.AddSingleton<IConversationStore>(provider =>
        {
            _store.Inner = (IConversationStore)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!);
            return _store;
        });
    }

    [Fact]
    public async Task AnswerStoredButItsReplyLost_TheRunnerAsksAgain_AndTheAnswerEndsDoneAndIsKeptOnce()
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5");
        var conversation = await ConversationAssertions.GetAsync(client, ((MetaEvent)events[0]).ConversationId);

        // Assert
        Assert.Equal(2, _store.AnswerWrites);
        Assert.Equal(FinishReasons.Stop, Assert.IsType<DoneEvent>(events[^1]).FinishReason);
        Assert.Equal(["user", "assistant"], conversation.Messages.Select(message => message.Role));
        Assert.Equal(ChatDriver.TextOf(events), conversation.Messages[1].Text);
    }

    /// <summary>Writes the first answer it is given, then throws as a command whose reply never came back does.</summary>
    private sealed class AnswerWrittenThenReplyLost : IConversationStore
    {
        public IConversationStore Inner { get; set; } = null!;

        /// <summary>Gets how many times the runner asked to store its answer.</summary>
        public int AnswerWrites { get; private set; }

        public async Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken)
        {
            var appended = await Inner.AppendAsync(userId, conversationId, message, cancellationToken);
            if (message.Role == ConversationMessage.AssistantRole && ++AnswerWrites == 1)
            {
                throw new RedisTimeoutException(CommandFlags.None, "The reply did not come back in time.", CommandStatus.Sent);
            }

            return appended;
        }

        public Task<Conversation> CreateWithMessageAsync(
            string userId, string agentId, string title, ConversationMessage first, CancellationToken cancellationToken) =>
            Inner.CreateWithMessageAsync(userId, agentId, title, first, cancellationToken);

        public Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken) =>
            Inner.GetAsync(userId, conversationId, cancellationToken);

        public Task<ConversationPage> ListAsync(string userId, ConversationQuery query, CancellationToken cancellationToken) =>
            Inner.ListAsync(userId, query, cancellationToken);

        public Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken) =>
            Inner.DeleteAsync(userId, conversationId, cancellationToken);

        public Task<ConversationSummary?> RenameAsync(string userId, string conversationId, string title, CancellationToken cancellationToken) =>
            Inner.RenameAsync(userId, conversationId, title, cancellationToken);

        public Task<ConversationCut> ReplaceFromAsync(string userId, string conversationId, string messageId, ConversationMessage message, CancellationToken cancellationToken) =>
            Inner.ReplaceFromAsync(userId, conversationId, messageId, message, cancellationToken);
    }
}
