using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Session;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

/// <summary>The chat page's state: new conversations listed at once, regenerate and edit, reasoning kept apart.</summary>
public sealed class ChatSessionTests
{
    private static readonly AgentInfo Gpt = new("gpt", "GPT", "openai", "gpt-4o-mini", ["websocket"], null);
    private static readonly AgentInfo Claude = new("claude", "Claude", "anthropic", "claude-sonnet-4-5", ["websocket"], null);
    private static readonly AgentInfo Local = new("local", "Local", "ollama", "llama3.2:1b", ["websocket"], null,
        new AgentStatus("unreachable", "Ollama is not running at http://localhost:11434", DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task LoadAsync_FirstAgentUnreachable_PicksTheFirstReachableOne()
    {
        var (session, _, _) = Create();

        await session.LoadAsync(CancellationToken.None);

        Assert.Equal("gpt", session.Agent?.Id);
    }

    [Fact]
    public async Task SendAsync_NewConversation_IsListedOnMetaBeforeTheAnswerEnds()
    {
        // Arrange: the answer waits after meta until the test has looked.
        var (session, socket, _) = Create();
        await session.LoadAsync(CancellationToken.None);
        var looked = new TaskCompletionSource();
        IReadOnlyList<ConversationSummary>? listedMidAnswer = null;
        socket.OnStart = (_, _, ct) => Events(ct, looked.Task,
            new ChatEvent { Type = ChatEvent.Meta, GenerationId = "g_1", ConversationId = "c_new", Seq = 0 },
            new ChatEvent { Type = ChatEvent.Delta, GenerationId = "g_1", Text = "Hi", Seq = 1 },
            new ChatEvent { Type = ChatEvent.Done, GenerationId = "g_1", FinishReason = "stop", Seq = 2 });
        session.Changed += () =>
        {
            if (session.ConversationId is not null && listedMidAnswer is null)
            {
                listedMidAnswer = session.Conversations.Shown;
                looked.TrySetResult();
            }
        };

        // Act
        await session.SendAsync("Plan a trip to Lisbon", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        var listed = Assert.Single(listedMidAnswer!);
        Assert.Equal(("c_new", "gpt", "Plan a trip to Lisbon"), (listed.Id, listed.AgentId, listed.Title));
    }

    [Fact]
    public async Task RegenerateAsync_WithAnotherAgent_CutsAtTheUserMessageAndStartsWithItsIdAndThatAgent()
    {
        // Arrange: one exchange the API has stored with ids.
        var (session, socket, api) = Create();
        await session.LoadAsync(CancellationToken.None);
        socket.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("Hi"), TransportTier.WebSocket, cancellationToken: ct);
        await session.SendAsync("Hello", CancellationToken.None);
        var starts = new List<ChatStart>();
        socket.OnStart = (start, _, ct) =>
        {
            starts.Add(start);
            return Generation.Replay(Generation.Log("Hello from Claude"), TransportTier.WebSocket, cancellationToken: ct);
        };

        // Act
        Assert.True(session.CanRework(session.Messages[1]));
        await session.RegenerateAsync(session.Messages[1], "claude", CancellationToken.None);

        // Assert
        var start = Assert.Single(starts);
        Assert.Equal(("claude", "m_user", "Hello", "c_test"), (start.AgentId, start.EditMessageId, start.Message, start.ConversationId));
        Assert.Equal(["Hello", "Hello from Claude"], session.Messages.Select(message => message.Text));
        Assert.Equal("claude", session.Messages[1].AgentId);
        Assert.Equal("claude", session.Agent?.Id);
        Assert.Equal(2, api.ConversationReads);
    }

    [Fact]
    public async Task EditAsync_TheLastUserMessage_ResendsTheNewTextInItsPlace()
    {
        var (session, socket, _) = Create();
        await session.LoadAsync(CancellationToken.None);
        socket.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("Hi"), TransportTier.WebSocket, cancellationToken: ct);
        await session.SendAsync("Helo", CancellationToken.None);
        ChatStart? edited = null;
        socket.OnStart = (start, _, ct) =>
        {
            edited = start;
            return Generation.Replay(Generation.Log("Hello!"), TransportTier.WebSocket, cancellationToken: ct);
        };

        await session.EditAsync(session.Messages[0], "Hello", CancellationToken.None);

        Assert.Equal(("m_user", "Hello"), (edited?.EditMessageId, edited?.Message));
        Assert.Equal(["Hello", "Hello!"], session.Messages.Select(message => message.Text));
    }

    [Fact]
    public async Task SendAsync_ReasoningEvents_AreKeptApartFromTheAnswerWithTheirDuration()
    {
        var (session, socket, _) = Create();
        await session.LoadAsync(CancellationToken.None);
        socket.OnStart = (_, _, ct) => Generation.Replay(
        [
            new ChatEvent { Type = ChatEvent.Meta, GenerationId = "g_1", ConversationId = "c_test", Seq = 0 },
            new ChatEvent { Type = ChatEvent.Reasoning, GenerationId = "g_1", Text = "The user greets; ", Seq = 1 },
            new ChatEvent { Type = ChatEvent.Reasoning, GenerationId = "g_1", Text = "greet back.", Seq = 2 },
            new ChatEvent { Type = ChatEvent.Delta, GenerationId = "g_1", Text = "Hello!", Seq = 3 },
            new ChatEvent { Type = ChatEvent.Done, GenerationId = "g_1", FinishReason = "stop", Seq = 4, Timings = new ChatTimings(900, 1500, 1200) },
        ], TransportTier.WebSocket, cancellationToken: ct);

        await session.SendAsync("Hi", CancellationToken.None);

        var answer = session.Messages[1];
        Assert.Equal("Hello!", answer.Text);
        Assert.Equal("The user greets; greet back.", answer.Reasoning);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), answer.ReasoningTime);
    }

    private static (ChatSession Session, ScriptedTransport Socket, SessionApi Api) Create()
    {
        var socket = new ScriptedTransport(TransportTier.WebSocket);
        var api = new SessionApi([Local, Gpt, Claude]);
        var stream = new ChatStreamClient([socket], api, new ChatTransportOptions(), TimeProvider.System);
        var storage = new NoStorage();
        return (new ChatSession(api, stream, storage, new ConversationIndex(api, storage, TimeProvider.System, ConversationListOptions.Default)), socket, api);
    }

    private static async IAsyncEnumerable<ChatEvent> Events(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, Task afterFirst, params ChatEvent[] events)
    {
        for (var i = 0; i < events.Length; i++)
        {
            if (i == 1)
            {
                await afterFirst.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }

            yield return events[i];
        }
    }

    /// <summary>An API that stores each exchange as the chat API does, with message ids.</summary>
    private sealed class SessionApi(IReadOnlyList<AgentInfo> agents) : ICanvasApi
    {
        public int ConversationReads { get; private set; }

        public Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken) => Task.FromResult(agents);

        public Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ConversationPage([], null));

        public Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
        {
            ConversationReads++;
            return Task.FromResult<ConversationDetail?>(new ConversationDetail(conversationId, "gpt", "Hello",
                [new ConversationMessage("user", "Hello", Id: "m_user"), new ConversationMessage("assistant", "Hi", Id: "m_answer")]));
        }

        public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken) =>
            Task.FromResult<ConversationSummary?>(null);

        public Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken) => Task.FromResult<GenerationSnapshot?>(null);

        public Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
