using System.Diagnostics;
using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// The chat page's state and streaming loop in a plain class: agents, conversations, the open conversation's
/// messages, and the answer in flight. The page owns it and the cancellation of each answer.
/// </summary>
/// <remarks>Chat text is never logged.</remarks>
public sealed class ChatSession(ICanvasApi api, ChatStreamClient stream, IBrowserStorage storage, ConversationIndex conversations)
{
    private bool _loadedOnce;
    private bool _catchingUp;
    private bool _catchUpAgain;
    private InFlightAnswer? _announcedMeanwhile;

    /// <summary>Raised when anything shown changes, except a streaming answer's growth.</summary>
    public event Action? Changed;

    /// <summary>Raised when a streaming answer's text or reasoning grows: the page may render these less often.</summary>
    public event Action? Grew;

    /// <summary>Gets the agents.</summary>
    public IReadOnlyList<AgentInfo> Agents { get; private set; } = [];

    /// <summary>Gets the user's conversations as the list shows them.</summary>
    public ConversationIndex Conversations => conversations;

    /// <summary>Gets the selected agent.</summary>
    public AgentInfo? Agent { get; private set; }

    /// <summary>Gets the open conversation's id; null for a new conversation.</summary>
    public string? ConversationId { get; private set; }

    /// <summary>Gets the open conversation's messages.</summary>
    public List<MessageView> Messages { get; } = [];

    /// <summary>Gets the answer streaming now, if any.</summary>
    public MessageView? Streaming => Messages.LastOrDefault(message => message.IsStreaming);

    /// <summary>Loads agents and conversations; the first time, also the deletions an earlier page left pending.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        Agents = await api.GetAgentsAsync(cancellationToken);
        await conversations.RefreshAsync(cancellationToken);
        if (!_loadedOnce)
        {
            await conversations.ResumePendingDeletesAsync(cancellationToken);
            _loadedOnce = true;
        }

        // An agent whose provider the API found unreachable is offered, greyed out, but never picked by default.
        if (Agent is null && Agents.Count > 0)
        {
            SelectAgent((Agents.FirstOrDefault(agent => !agent.IsUnreachable) ?? Agents[0]).Id);
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
            Messages.AddRange(conversation.Messages.Select(Stored));
        }

        Changed?.Invoke();
        return conversation?.ActiveGenerationId is { } active ? new InFlightAnswer(active, conversation.Id, conversation.AgentId) : null;
    }

    /// <summary>Sends a message and streams the answer into <see cref="Messages"/>.</summary>
    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        Agent is { } agent ? StartAsync(agent, text, cut: null, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Answers the user message before <paramref name="answer"/> again, by <paramref name="agentId"/> (null: the same
    /// agent): the API cuts the conversation at that message and the old answer is replaced.
    /// </summary>
    public Task RegenerateAsync(MessageView answer, string? agentId, CancellationToken cancellationToken)
    {
        var index = Messages.IndexOf(answer);
        var agent = Agents.FirstOrDefault(candidate => candidate.Id == (agentId ?? answer.AgentId)) ?? Agent;
        return index > 0 && Messages[index - 1] is { Role: "user" } question && agent is not null
            ? StartAsync(agent, question.Text, question, cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>Replaces a user message with <paramref name="text"/> and answers it again.</summary>
    public Task EditAsync(MessageView question, string text, CancellationToken cancellationToken) =>
        Agent is { } agent ? StartAsync(agent, text, question, cancellationToken) : Task.CompletedTask;

    /// <summary>Gets whether <paramref name="message"/> can be edited, or its answer regenerated, from here.</summary>
    /// <param name="message">A user message, or an answer.</param>
    /// <returns>True for the last exchange of a conversation the API has named, while nothing streams.</returns>
    public bool CanRework(MessageView message)
    {
        var question = message.Role == "user" ? message : Messages.ElementAtOrDefault(Messages.IndexOf(message) - 1);
        return Streaming is null && question is { Role: "user", Id: not null } && Messages.LastOrDefault(m => m.Role == "user") == question;
    }

    /// <summary>Renames a conversation.</summary>
    public async Task RenameAsync(string conversationId, string title, CancellationToken cancellationToken)
    {
        if (await api.RenameConversationAsync(conversationId, title, cancellationToken) is { } renamed)
        {
            conversations.Replace(renamed);
        }
    }

    // A cut replaces that user message and everything after it, here as on the server.
    private async Task StartAsync(AgentInfo agent, string text, MessageView? cut, CancellationToken cancellationToken)
    {
        if (Streaming is not null || string.IsNullOrWhiteSpace(text) || (cut is not null && cut.Id is null))
        {
            return;
        }

        if (cut is not null)
        {
            Messages.RemoveRange(Messages.IndexOf(cut), Messages.Count - Messages.IndexOf(cut));
            SelectAgent(agent.Id);
        }

        Messages.Add(new MessageView("user", text));
        var answer = new MessageView("assistant") { IsStreaming = true, Prompt = text, AgentId = agent.Id };
        Messages.Add(answer);
        Changed?.Invoke();
        var start = new ChatStart(agent.Id, ConversationId, text, cut?.Id);
        await ConsumeAsync(agent, answer, stream.SendAsync(agent, start, cancellationToken), owner: true, cancellationToken);
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

        var answer = new MessageView("assistant", snapshot.Text) { IsStreaming = true, GenerationId = inFlight.GenerationId, AgentId = agent.Id };
        answer.AppendReasoning(snapshot.Reasoning ?? "");
        Messages.Add(answer);
        Changed?.Invoke();
        var point = new ResumePoint(inFlight.GenerationId, snapshot.LastSeq, snapshot.Text.Length, snapshot.Reasoning?.Length ?? 0);
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

    /// <summary>Sends a failed answer's prompt again, by <paramref name="agentId"/> (null: the same agent).</summary>
    public Task RetryAsync(MessageView failed, string? agentId, CancellationToken cancellationToken)
    {
        if (failed.Prompt is null || Streaming is not null)
        {
            return Task.CompletedTask;
        }

        if (CanRework(failed))
        {
            return RegenerateAsync(failed, agentId, cancellationToken);
        }

        if (agentId is not null)
        {
            SelectAgent(agentId);
        }

        var index = Messages.IndexOf(failed);
        Messages.RemoveRange(index - 1, 2);
        return SendAsync(failed.Prompt, cancellationToken);
    }

    /// <summary>
    /// Deletes a conversation once the undo window ends (see <see cref="ConversationIndex"/>) and, when it is open,
    /// starts a new one.
    /// </summary>
    public async Task DeleteAsync(string conversationId, CancellationToken cancellationToken)
    {
        await conversations.DeleteWithUndoAsync(conversationId, cancellationToken);
        await storage.RemoveInFlightAsync(conversationId);
        if (ConversationId == conversationId)
        {
            await OpenAsync(null, cancellationToken);
        }
    }

    private async Task ConsumeAsync(AgentInfo agent, MessageView answer, IAsyncEnumerable<ChatEvent> events, bool owner, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? firstText = null, firstReasoning = null;
        try
        {
            await foreach (var chatEvent in events)
            {
                answer.Tier = stream.Status.Tier;
                switch (chatEvent.Type)
                {
                    case ChatEvent.Meta:
                        answer.GenerationId = chatEvent.GenerationId;
                        ListNewConversation(agent, answer, chatEvent.ConversationId);
                        await AnnounceAsync(agent, answer, owner);
                        break;
                    case ChatEvent.Reasoning:
                        firstReasoning ??= clock.Elapsed;
                        answer.AppendReasoning(chatEvent.Text ?? "");
                        Grew?.Invoke();
                        continue;
                    case ChatEvent.Delta:
                        firstText ??= clock.Elapsed;
                        answer.TimeToFirstToken ??= firstText;
                        answer.ReasoningTime ??= firstText - firstReasoning;
                        answer.Append(chatEvent.Text ?? "");
                        Grew?.Invoke();
                        continue;
                    case ChatEvent.Done:
                        answer.FinishReason = chatEvent.FinishReason;
                        answer.TokensPerSecond = TokensPerSecond(chatEvent.Usage?.OutputTokens, clock.Elapsed - (firstText ?? clock.Elapsed));
                        answer.TotalTime = clock.Elapsed;
                        answer.ReasoningTime = chatEvent.Timings?.ReasoningMs is { } reasoningMs ? TimeSpan.FromMilliseconds(reasoningMs) : answer.ReasoningTime;
                        break;
                    case ChatEvent.Error:
                        answer.Error = chatEvent.Message ?? chatEvent.Code;
                        answer.ErrorCode = chatEvent.Code;
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

        await RefreshAfterAnswerAsync(cancellationToken);
        Changed?.Invoke();
    }

    // The list gets the server's title; the messages get the ids regenerate and edit name. A conversation another
    // tab changed meanwhile keeps its messages as shown: the next catch-up reloads it.
    private async Task RefreshAfterAnswerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadBackAsync(cancellationToken);
        }
        catch (Exception exception) when (ApiFailure.IsApiFailure(exception))
        {
            // The answer is shown already; the list and the ids come with the next load (ApiWatch keeps loading).
        }
    }

    private async Task ReadBackAsync(CancellationToken cancellationToken)
    {
        await conversations.RefreshAsync(cancellationToken);
        if (ConversationId is { } conversationId && await api.GetConversationAsync(conversationId, cancellationToken) is { } stored
            && stored.Messages.Count == Messages.Count)
        {
            for (var i = 0; i < Messages.Count; i++)
            {
                Messages[i].Id ??= stored.Messages[i].Id;
            }
        }
    }

    // A new conversation is listed the moment the API names it, under its first words until it has its title.
    private void ListNewConversation(AgentInfo agent, MessageView answer, string? conversationId)
    {
        if (ConversationId is not null || conversationId is null)
        {
            return;
        }

        ConversationId = conversationId;
        var now = DateTimeOffset.Now;
        var title = answer.Prompt is { Length: > 60 } prompt ? prompt[..60].TrimEnd() + "…" : answer.Prompt ?? "";
        conversations.Add(new ConversationSummary(conversationId, agent.Id, title, now, now, answer.GenerationId));
    }

    private static MessageView Stored(ConversationMessage message)
    {
        var view = new MessageView(message.Role, message.Text)
        {
            Id = message.Id,
            GenerationId = message.GenerationId,
            FinishReason = message.FinishReason,
            AgentId = message.AgentId,
            Tier = TransportTiers.Parse(message.Transport),
            TimeToFirstToken = Milliseconds(message.Timings?.TimeToFirstTokenMs),
            TotalTime = Milliseconds(message.Timings?.TotalMs),
            ReasoningTime = Milliseconds(message.Timings?.ReasoningMs),
        };
        view.AppendReasoning(message.Reasoning ?? "");
        return view;
    }

    private static TimeSpan? Milliseconds(long? milliseconds) => milliseconds is { } value ? TimeSpan.FromMilliseconds(value) : null;

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
