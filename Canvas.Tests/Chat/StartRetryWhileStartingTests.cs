using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Chat;

/// <summary>
/// A start retried while its first attempt is still on its way never makes a second answer: it is answered busy until
/// that attempt's generation exists, then joins it. A first attempt that failed before it was accepted lets its retry
/// start at once.
/// </summary>
public sealed class StartRetryWhileStartingTests : ChatApiTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ScriptedConversationStore _store = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IConversationStore>(_store);

    [Fact]
    public async Task RetryWhileTheFirstAttemptIsStillStarting_IsAnsweredBusy_ThenJoinsTheOneAnswer()
    {
        // Arrange: the first attempt has claimed its key and waits in the conversation store.
        using var client = Api.ClientFor("dana");
        var upstreamCallsBefore = Environment.OpenAI.Requests.Count;
        var entered = _store.HoldNextCreate();
        var first = ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5", idempotencyKey: "answer-held");
        await entered.WaitAsync(Bound);

        // Act
        using var retried = await PostSseAsync(client, "answer-held");
        var problem = JsonNode.Parse(await retried.Content.ReadAsStringAsync())!;
        var upstreamCallsWhileHeld = Environment.OpenAI.Requests.Count;
        _store.ReleaseHeldCreate();
        var firstEvents = await first.WaitAsync(Bound);
        var joined = await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5", idempotencyKey: "answer-held").WaitAsync(Bound);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retried.StatusCode);
        Assert.Equal(ErrorCodes.ServerBusy, (string?)problem["code"]);
        Assert.NotNull(retried.Headers.RetryAfter);
        Assert.Equal(upstreamCallsBefore, upstreamCallsWhileHeld);
        Assert.Equal(firstEvents[0].GenerationId, joined[0].GenerationId);
        Assert.Equal(upstreamCallsBefore + 1, Environment.OpenAI.Requests.Count);
    }

    [Fact]
    public async Task RetryAfterTheFirstAttemptFailedBeforeItWasAccepted_StartsAtOnce()
    {
        // Arrange: the first attempt's conversation store is away.
        using var client = Api.ClientFor("erin");
        _store.FailNextCreate();
        using var failed = await PostSseAsync(client, "answer-failed");

        // Act
        using var retried = await PostSseAsync(client, "answer-failed");
        var events = await ChatDriver.ReadAllAsync(SseReader.ReadEventsAsync(retried)).WaitAsync(Bound);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        ChatDriver.AssertWellFormed(events);
    }

    [Fact]
    public async Task RetryAfterTheFirstAttemptCouldNotReadItsConversation_StartsAtOnce()
    {
        // Arrange: a conversation, then an attempt that continues it while the store cannot read it.
        using var client = Api.ClientFor("fay");
        var earlier = await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5").WaitAsync(Bound);
        var conversationId = ((MetaEvent)earlier[0]).ConversationId;
        _store.FailNextGet();
        using var failed = await PostSseAsync(client, "answer-unread", conversationId);

        // Act
        using var retried = await PostSseAsync(client, "answer-unread", conversationId);
        var events = await ChatDriver.ReadAllAsync(SseReader.ReadEventsAsync(retried)).WaitAsync(Bound);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        ChatDriver.AssertWellFormed(events);
        Assert.Equal(conversationId, ((MetaEvent)events[0]).ConversationId);
    }

    private static async Task<HttpResponseMessage> PostSseAsync(HttpClient client, string idempotencyKey, string? conversationId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId = "gpt", conversationId, message = "Count from 1 to 5" }),
        };
        request.Headers.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, idempotencyKey);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
    }

    /// <summary>The in-process store, whose next create can be held until released, or whose next create or read fails as a Redis that went away.</summary>
    private sealed class ScriptedConversationStore : IConversationStore
    {
        private readonly InMemoryConversationStore _inner = new(TimeProvider.System, Options.Create(new ConversationOptions()));
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _hold;
        private bool _fail;
        private bool _failGet;

        /// <summary>Holds the next create; the returned task completes when it is waiting.</summary>
        public Task HoldNextCreate() => (_hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void ReleaseHeldCreate() => _released.TrySetResult();

        public void FailNextCreate() => _fail = true;

        public void FailNextGet() => _failGet = true;

        public async Task<Conversation> CreateWithMessageAsync(
            string userId, string agentId, string title, ConversationMessage first, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                hold.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            if (_fail)
            {
                _fail = false;
                throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "The store is away.");
            }

            return await _inner.CreateWithMessageAsync(userId, agentId, title, first, cancellationToken);
        }

        public Task<Conversation?> GetAsync(string userId, string conversationId, CancellationToken cancellationToken)
        {
            if (_failGet)
            {
                _failGet = false;
                throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "The store is away.");
            }

            return _inner.GetAsync(userId, conversationId, cancellationToken);
        }

        public Task<ConversationPage> ListAsync(string userId, ConversationQuery query, CancellationToken cancellationToken) =>
            _inner.ListAsync(userId, query, cancellationToken);

        public Task<bool> DeleteAsync(string userId, string conversationId, CancellationToken cancellationToken) =>
            _inner.DeleteAsync(userId, conversationId, cancellationToken);

        public Task<bool> AppendAsync(string userId, string conversationId, ConversationMessage message, CancellationToken cancellationToken) =>
            _inner.AppendAsync(userId, conversationId, message, cancellationToken);

        public Task<ConversationSummary?> RenameAsync(string userId, string conversationId, string title, CancellationToken cancellationToken) =>
            _inner.RenameAsync(userId, conversationId, title, cancellationToken);

        public Task<ConversationCut> ReplaceFromAsync(
            string userId, string conversationId, string messageId, ConversationMessage message, CancellationToken cancellationToken) =>
            _inner.ReplaceFromAsync(userId, conversationId, messageId, message, cancellationToken);
    }
}
