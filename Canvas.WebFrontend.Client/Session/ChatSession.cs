using System.Diagnostics;
using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// The chat page's state and streaming loop in a plain class: agents, conversations, the open conversation's
/// messages, and the answer in flight. The page owns it and the cancellation of each answer.
/// </summary>
/// <remarks>Chat text is never logged.</remarks>
public sealed class ChatSession(ICanvasApi api, ChatStreamClient stream, IBrowserStorage storage)
{
    private bool _catchingUp;
    private bool _catchUpAgain;
    private InFlightAnswer? _announcedMeanwhile;

    /// <summary>Raised when anything shown changes.</summary>
    public event Action? Changed;

    /// <summary>Gets the agents.</summary>
    public IReadOnlyList<AgentInfo> Agents { get; private set; } = [];

    /// <summary>Gets the user's conversations, newest first.</summary>
    public IReadOnlyList<ConversationSummary> Conversations { get; private set; } = [];

    /// <summary>Gets the selected agent.</summary>
    public AgentInfo? Agent { get; private set; }

    /// <summary>Gets the open conversation's id; null for a new conversation.</summary>
    public string? ConversationId { get; private set; }

    /// <summary>Gets the open conversation's messages.</summary>
    public List<MessageView> Messages { get; } = [];

    /// <summary>Gets the answer streaming now, if any.</summary>
    public MessageView? Streaming => Messages.LastOrDefault(message => message.IsStreaming);

    /// <summary>Loads agents and conversations.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        Agents = await api.GetAgentsAsync(cancellationToken);
        Conversations = await api.GetConversationsAsync(cancellationToken);
        if (Agent is null && Agents.Count > 0)
        {
            SelectAgent(Agents[0].Id);
        }

        Changed?.Invoke();
    }

    /// <summary>Selects the agent for the next message.</summary>
    public void SelectAgent(string agentId)
    {
        Agent = Agents.FirstOrDefault(agent => agent.Id == agentId) ?? Agent;
        if (Agent is not null)
        {
            stream.SelectAgent(Agent);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Opens a conversation (null: a new one) and returns the answer still streaming in it, if any, as the API
    /// reports it: whichever tab or device started it, this one can follow it.
    /// </summary>
    public async Task<InFlightAnswer?> OpenAsync(string? conversationId, CancellationToken cancellationToken)
    {
        ConversationId = conversationId;
        Messages.Clear();
        var conversation = conversationId is null ? null : await api.GetConversationAsync(conversationId, cancellationToken);
        if (conversation is not null)
        {
            SelectAgent(conversation.AgentId);
            Messages.AddRange(conversation.Messages.Select(message => new MessageView(message.Role, message.Text)
            {
                GenerationId = message.GenerationId,
                FinishReason = message.FinishReason,
            }));
        }

        Changed?.Invoke();
        return conversation?.ActiveGenerationId is { } active ? new InFlightAnswer(active, conversation.Id, conversation.AgentId) : null;
    }

    /// <summary>Sends a message and streams the answer into <see cref="Messages"/>.</summary>
    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        if (Agent is not { } agent || Streaming is not null || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        Messages.Add(new MessageView("user", text));
        var answer = new MessageView("assistant") { IsStreaming = true, Prompt = text };
        Messages.Add(answer);
        Changed?.Invoke();
        await ConsumeAsync(agent, answer, stream.SendAsync(agent, new ChatStart(agent.Id, ConversationId, text), cancellationToken), owner: true, cancellationToken);
    }

    /// <summary>Follows an answer that another tab (or this tab before a reload) started, from where it stands.</summary>
    public async Task FollowAsync(InFlightAnswer inFlight, CancellationToken cancellationToken)
    {
        var agent = Agents.FirstOrDefault(candidate => candidate.Id == inFlight.AgentId) ?? Agent;
        if (agent is null || Streaming is not null || inFlight.ConversationId != ConversationId)
        {
            return;
        }

        var snapshot = await api.GetGenerationAsync(inFlight.GenerationId, cancellationToken);
        if (snapshot is null || !snapshot.IsRunning)
        {
            // It ended meanwhile: the stored conversation has the whole answer.
            await storage.RemoveInFlightAsync(inFlight.ConversationId);
            await OpenAsync(ConversationId, cancellationToken);
            return;
        }

        var answer = new MessageView("assistant", snapshot.Text) { IsStreaming = true, GenerationId = inFlight.GenerationId };
        Messages.Add(answer);
        Changed?.Invoke();
        var point = new ResumePoint(inFlight.GenerationId, snapshot.LastSeq, snapshot.Text.Length);
        await ConsumeAsync(agent, answer, stream.ResumeAsync(agent, point, cancellationToken), owner: false, cancellationToken);
    }

    /// <summary>
    /// Brings the open conversation up to date and follows its running answer, if any: reopened first, so that this
    /// tab also shows the message being answered. Does nothing while this tab streams an answer itself.
    /// </summary>
    /// <param name="announced">The answer another tab announced, if that is why; followed if the API names none.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <remarks>
    /// A tab Chromium froze in the background gets every <c>storage</c> event it missed and <c>visibilitychange</c>
    /// at once when it is shown again. Catch-ups must not interleave (one would clear the messages while the other
    /// adds the answer it follows), so a catch-up asked for while one runs is done once more when it ends: an answer
    /// started meanwhile is not missed.
    /// </remarks>
    public async Task CatchUpAsync(InFlightAnswer? announced, CancellationToken cancellationToken)
    {
        if (_catchingUp)
        {
            // The answer followed now stays live by itself, across a freeze too.
            if (Streaming is { } following && (announced is null || announced.GenerationId == following.GenerationId))
            {
                return;
            }

            _catchUpAgain = true;
            _announcedMeanwhile = announced ?? _announcedMeanwhile;
            return;
        }

        _catchingUp = true;
        try
        {
            do
            {
                _catchUpAgain = false;
                _announcedMeanwhile = null;
                if (Streaming is not null || ConversationId is not { } conversationId)
                {
                    return;
                }

                if ((await OpenAsync(conversationId, cancellationToken) ?? announced) is { } active)
                {
                    await FollowAsync(active, cancellationToken);
                }

                announced = _announcedMeanwhile;
            }
            while (_catchUpAgain);
        }
        finally
        {
            _catchingUp = false;
        }
    }

    /// <summary>Asks the server to stop the streaming answer; the stream then ends with <c>cancelled</c>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Streaming?.GenerationId is { } generationId)
        {
            await stream.CancelAsync(generationId, cancellationToken);
        }
    }

    /// <summary>Sends a failed answer's prompt again.</summary>
    public Task RetryAsync(MessageView failed, CancellationToken cancellationToken)
    {
        if (failed.Prompt is null || Streaming is not null)
        {
            return Task.CompletedTask;
        }

        var index = Messages.IndexOf(failed);
        Messages.RemoveRange(index - 1, 2);
        return SendAsync(failed.Prompt, cancellationToken);
    }

    /// <summary>Deletes a conversation and, when it is open, starts a new one.</summary>
    public async Task DeleteAsync(string conversationId, CancellationToken cancellationToken)
    {
        await api.DeleteConversationAsync(conversationId, cancellationToken);
        await storage.RemoveInFlightAsync(conversationId);
        Conversations = await api.GetConversationsAsync(cancellationToken);
        if (ConversationId == conversationId)
        {
            await OpenAsync(null, cancellationToken);
        }

        Changed?.Invoke();
    }

    private async Task ConsumeAsync(AgentInfo agent, MessageView answer, IAsyncEnumerable<ChatEvent> events, bool owner, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? firstText = null;
        try
        {
            await foreach (var chatEvent in events)
            {
                answer.Tier = stream.Status.Tier;
                switch (chatEvent.Type)
                {
                    case ChatEvent.Meta:
                        answer.GenerationId = chatEvent.GenerationId;
                        ConversationId ??= chatEvent.ConversationId;
                        await AnnounceAsync(agent, answer, owner);
                        break;
                    case ChatEvent.Delta:
                        firstText ??= clock.Elapsed;
                        answer.TimeToFirstToken ??= firstText;
                        answer.Append(chatEvent.Text ?? "");
                        break;
                    case ChatEvent.Done:
                        answer.FinishReason = chatEvent.FinishReason;
                        answer.TokensPerSecond = TokensPerSecond(chatEvent.Usage?.OutputTokens, clock.Elapsed - (firstText ?? clock.Elapsed));
                        break;
                    case ChatEvent.Error:
                        answer.Error = chatEvent.Message ?? chatEvent.Code;
                        answer.CanRetry = owner && answer.Prompt is not null;
                        break;
                }

                Changed?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away or switched conversation; the server keeps the answer, and a reload resumes it.
            answer.IsStreaming = false;
            return;
        }

        answer.IsStreaming = false;
        if (ConversationId is { } conversationId)
        {
            await storage.RemoveInFlightAsync(conversationId);
        }

        Conversations = await api.GetConversationsAsync(cancellationToken);
        Changed?.Invoke();
    }

    // Other tabs of this browser on the same conversation hear of the answer at once; anything else (a reload,
    // another device) finds it as the conversation's activeGenerationId.
    private async Task AnnounceAsync(AgentInfo agent, MessageView answer, bool owner)
    {
        if (owner && answer.GenerationId is { } generationId && ConversationId is { } conversationId)
        {
            await storage.SetInFlightAsync(new InFlightAnswer(generationId, conversationId, agent.Id));
        }
    }

    private static double? TokensPerSecond(long? outputTokens, TimeSpan streaming) =>
        outputTokens is > 0 && streaming > TimeSpan.Zero ? outputTokens.Value / streaming.TotalSeconds : null;
}
