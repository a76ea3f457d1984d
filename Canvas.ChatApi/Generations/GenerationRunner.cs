using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Capacity;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Providers;
using Canvas.ServiceDefaults.Http;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Runs generations apart from any transport: it writes each answer's events to the backplane, where the
/// transports (and other tabs, replicas and resuming clients) read them. A client that goes away does not stop a
/// generation; only a cancel, from any replica, does.
/// </summary>
/// <remarks>Logs ids and outcomes only; message text never reaches the logs.</remarks>
public sealed partial class GenerationRunner(
    IServiceProvider services,
    IGenerationBackplane backplane,
    IConversationStore conversations,
    IStartRequestLedger startRequests,
    InstanceCapacity capacity,
    ReplicaIdentity replica,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<GenerationRunner> logger) : IHostedService
{
    private static readonly TimeSpan RetryWindow = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RetryWaitForMeta = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a start's claim on its idempotency key holds before its generation exists: far longer than an
    /// accepted start takes (each storage call of it times out well within). A retry takes over the claim of a
    /// replica that died while starting as soon as that replica's lease lapses; this bounds the rest.
    /// </summary>
    private static readonly TimeSpan ClaimWhileStarting = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan EndRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StoreRetryWindow = TimeSpan.FromSeconds(30);

    /// <summary>Starts doing storage work at once; more wait their turn, so a burst slows starts instead of timing them all out.</summary>
    private const int StartsAtOnce = 64;
    private const int StartsWaiting = 100_000;
    private static readonly TimeSpan StartWaitBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, RunningGeneration> _running = new();
    private readonly ConcurrencyLimiter _starts = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = StartsAtOnce,
        QueueLimit = StartsWaiting,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>
    /// Stores the user's message, creates the generation and its <c>meta</c> event, and starts the provider call in
    /// the background. Returns once <c>meta</c> is in the log, so every reader starts with it.
    /// </summary>
    /// <param name="command">The validated request.</param>
    /// <param name="cancellationToken">Cancels the start until the message is accepted; never the generation.</param>
    /// <remarks>
    /// A start the instance has no room for (<see cref="InstanceCapacity"/>) is answered as busy before anything is
    /// stored, so an accepted answer never fails for want of a socket. Under load a start waits for one of
    /// <see cref="StartsAtOnce"/> turns. One that waited past a bound, or whose storage did not answer in time, is
    /// answered as busy with a time to try again, never as a server error.
    /// </remarks>
    public async Task<StartOutcome> StartAsync(StartGeneration command, CancellationToken cancellationToken)
    {
        // Given back on every way out unless the answer started, which takes it over until it ends.
        using var slot = capacity.TryTakeAnswer();
        if (slot is null)
        {
            LogStartBusy(command.Tier, "this instance runs as many answers as its open-file limit allows");
            return StartOutcome.Busy(InstanceCapacity.RetryAfter);
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(StartWaitBound);
        RateLimitLease turn;
        try
        {
            turn = await _starts.AcquireAsync(1, waiting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogStartBusy(command.Tier, "waited too long for a turn");
            return StartOutcome.Busy(BusyRetryAfter);
        }

        using (turn)
        {
            if (!turn.IsAcquired)
            {
                LogStartBusy(command.Tier, "too many starts waiting");
                return StartOutcome.Busy(BusyRetryAfter);
            }

            try
            {
                return await StartTakenAsync(command, slot, cancellationToken);
            }
            catch (Exception exception) when (TransientRedis.IsTransient(exception))
            {
                LogStartStorageFailed(exception, command.Tier);
                return StartOutcome.Busy(BusyRetryAfter);
            }
        }
    }

    private async Task<StartOutcome> StartTakenAsync(StartGeneration command, AnswerSlot slot, CancellationToken cancellationToken)
    {
        var generationId = Ids.NewGenerationId();
        if (command.RetryKey is not { } retryKey)
        {
            return await StartNewAsync(command, slot, generationId, ReadConversation(command, cancellationToken), cancellationToken);
        }

        // The conversation is read while the key is claimed (a read writes nothing, so a lost claim only wastes it).
        var mine = new StartClaim(generationId, replica.Id);
        var claiming = startRequests.ClaimAsync(command.UserId, retryKey, mine, ClaimWhileStarting, cancellationToken);
        var reading = ReadConversation(command, cancellationToken);
        try
        {
            await Task.WhenAll(claiming, reading ?? Task.CompletedTask);
        }
        catch (Exception) when (claiming.IsCompletedSuccessfully && claiming.Result == mine)
        {
            await ForgetClaimAsync(command.UserId, retryKey, mine);
            throw;
        }

        var held = await claiming;
        if (held != mine)
        {
            if (await StartedMetaAsync(held, cancellationToken) is { } earlier)
            {
                LogRetryJoined(held.GenerationId, command.Tier);
                return StartOutcome.Started(earlier);
            }

            // A second generation while the first attempt may still start would answer the one question twice.
            if (await ClaimerMayStillStartAsync(held, cancellationToken)
                || !await startRequests.TakeOverAsync(command.UserId, retryKey, held, mine, ClaimWhileStarting, cancellationToken))
            {
                LogStartBusy(command.Tier, "an earlier attempt of the same request is still starting");
                return StartOutcome.Busy(BusyRetryAfter);
            }

            // Read again: the earlier attempt may have written to the conversation after the first read.
            reading = ReadConversation(command, cancellationToken);
        }

        StartOutcome outcome;
        try
        {
            outcome = await StartNewAsync(command, slot, generationId, reading, cancellationToken);
        }
        catch (Exception)
        {
            await ForgetClaimAsync(command.UserId, retryKey, mine);
            throw;
        }

        if (outcome.Meta is null)
        {
            await ForgetClaimAsync(command.UserId, retryKey, mine);
        }
        else
        {
            // Not awaited: until it lands the claim holds for its first minute, in which a retry joins just the same.
            _ = KeepClaimAsync(command.UserId, retryKey, mine);
        }

        return outcome;
    }

    /// <summary>Reads the conversation a start continues; null for a start of a new one.</summary>
    /// <remarks>A store that fails at once fails the returned read, so whoever awaits it hears of it.</remarks>
    private Task<Conversation?>? ReadConversation(StartGeneration command, CancellationToken cancellationToken)
    {
        return command.ConversationId is { } conversationId ? ReadAsync(conversationId) : null;

        async Task<Conversation?> ReadAsync(string id) => await conversations.GetAsync(command.UserId, id, cancellationToken);
    }

    /// <summary>Lets a retry of a refused or failed start begin afresh at once instead of when the claim lapses.</summary>
    private async Task ForgetClaimAsync(string userId, string retryKey, StartClaim claim)
    {
        try
        {
            await startRequests.ReleaseAsync(userId, retryKey, claim, CancellationToken.None);
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception))
        {
            LogClaimNotUpdated(exception, claim.GenerationId);
        }
    }

    /// <summary>
    /// Keeps the claim for the retry window now that the generation exists. If this fails, a retry within the claim's
    /// first minute still joins; only one later than that would start afresh.
    /// </summary>
    private async Task KeepClaimAsync(string userId, string retryKey, StartClaim claim)
    {
        try
        {
            await startRequests.ConfirmAsync(userId, retryKey, claim, RetryWindow, CancellationToken.None);
        }
        catch (Exception exception) when (TransientRedis.IsTransient(exception))
        {
            LogClaimNotUpdated(exception, claim.GenerationId);
        }
    }

    /// <param name="reading">The read of the conversation the start continues; null to start a new one.</param>
    private async Task<StartOutcome> StartNewAsync(
        StartGeneration command, AnswerSlot slot, string generationId, Task<Conversation?>? reading, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var userMessage = new ConversationMessage(ConversationMessage.UserRole, command.Message, now, command.Agent.Id, generationId);
        string conversationId;
        IReadOnlyList<ConversationMessage> earlier;
        if (reading is null)
        {
            // Created with its first message in one write, instead of created empty and then written to.
            var created = await conversations.CreateWithMessageAsync(
                command.UserId, command.Agent.Id, ConversationTitle.From(command.Message), userMessage, cancellationToken);
            conversationId = created.Id;
            earlier = [];
        }
        else
        {
            var conversation = await reading;
            if (conversation is null)
            {
                return StartOutcome.NoSuchConversation;
            }

            if (command.EditMessageId is { } editMessageId
                && await ConversationEdit.CheckAsync(conversation, editMessageId, backplane, cancellationToken) is { } refusal)
            {
                return StartOutcome.Refused(refusal);
            }

            var written = command.EditMessageId is null
                ? await conversations.AppendAsync(command.UserId, conversation.Id, userMessage, cancellationToken)
                : await conversations.ReplaceFromAsync(command.UserId, conversation.Id, command.EditMessageId, userMessage, cancellationToken) == ConversationCut.Done;
            if (!written)
            {
                return StartOutcome.NoSuchConversation;
            }

            conversationId = conversation.Id;
            earlier = ConversationEdit.Earlier(conversation.Messages, command.EditMessageId);
        }

        // The message is accepted: from here on only the host's shutdown may interrupt, so nothing accepted is lost.
        var stopping = lifetime.ApplicationStopping;
        var meta = new MetaEvent
        {
            GenerationId = generationId,
            Seq = 0,
            ConversationId = conversationId,
            AgentId = command.Agent.Id,
            Provider = command.Agent.Provider,
            Model = command.Agent.Model,
            Transport = command.Tier,
        };
        await backplane.CreateWithMetaAsync(new GenerationRecord(generationId, conversationId, command.UserId, command.Agent.Id, now, replica.Id), meta, stopping);

        var history = ChatHistory.For(command.Agent, earlier, command.Message);
        var run = new RunningGeneration(command, meta, history, stopping);
        _running[generationId] = run;
        LogStarted(generationId, command.Agent.Id, command.Tier);
        // Task.Run keeps the caller's Activity as parent, so the GenAI span sits under the `chat <tier>` span.
        var held = slot.HandOver();
        run.Completion = Task.Run(() => RunAsync(run, held), CancellationToken.None);
        return StartOutcome.Started(meta);
    }

    /// <summary>
    /// Returns the <c>meta</c> of the generation an earlier attempt of the same request started, waiting briefly
    /// while that attempt may still be on its way; null when it has not got as far.
    /// </summary>
    private async Task<MetaEvent?> StartedMetaAsync(StartClaim earlier, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + RetryWaitForMeta;
        while (true)
        {
            if (await backplane.ReadMetaAsync(earlier.GenerationId, cancellationToken) is { } meta)
            {
                return meta;
            }

            if (time.GetUtcNow() >= deadline || !await ClaimerMayStillStartAsync(earlier, cancellationToken))
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    /// <summary>Whether the replica of an earlier attempt still lives (readers' judgement of a runner), so the attempt may still start.</summary>
    private async Task<bool> ClaimerMayStillStartAsync(StartClaim earlier, CancellationToken cancellationToken) =>
        earlier.ReplicaId.Length > 0 && await backplane.IsReplicaAliveAsync(earlier.ReplicaId, cancellationToken);

    private async Task RunAsync(RunningGeneration run, AnswerSlot slot)
    {
        var generationId = run.Meta.GenerationId;
        try
        {
            // No heartbeat of its own: this replica's one lease keeps all of its generations alive.
            await using var cancelSubscription = await backplane.SubscribeCancelAsync(generationId, run.RequestCancel, run.Stopping);
            await StreamAnswerAsync(run);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || run.Stopping.IsCancellationRequested)
        {
            LogRunnerFailed(exception, generationId);
            await EndAsLostAsync(generationId, run.Stopping);
        }
        finally
        {
            _running.TryRemove(generationId, out _);
            run.Dispose();
            slot.Dispose();
        }
    }

    private async Task StreamAnswerAsync(RunningGeneration run)
    {
        var command = run.Command;
        var generationId = run.Meta.GenerationId;
        var client = services.GetRequiredKeyedService<IChatClient>(command.Agent.Id);
        var deltas = new DeltaAppender(backplane, generationId, run.Abandon);
        var started = Stopwatch.GetTimestamp();
        long? firstTokenMs = null;
        long? firstReasoningMs = null;
        var finishReason = FinishReasons.Stop;
        GenerationUsage? usage = null;
        Exception? providerFailure = null;
        var shuttingDown = false;

        try
        {
            using var bodyCancellation = ResponseBodyCancellation.Bind(run.Token);
            await foreach (var update in client.GetStreamingResponseAsync(run.History, cancellationToken: run.Token))
            {
                finishReason = ProviderUpdates.FinishReasonOf(update.FinishReason) ?? finishReason;
                usage = ProviderUpdates.UsageOf(update) ?? usage;
                // Indexed: a foreach over the IList boxes an enumerator per update.
                var contents = update.Contents;
                for (var i = 0; i < contents.Count; i++)
                {
                    switch (contents[i])
                    {
                        case TextContent { Text.Length: > 0 } text:
                            firstTokenMs ??= (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            deltas.Add(text.Text);
                            break;
                        case TextReasoningContent { Text.Length: > 0 } reasoning:
                            firstReasoningMs ??= (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            deltas.AddReasoning(reasoning.Text);
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (run.Abandoned)
        {
        }
        catch (Exception) when (run.CancelRequested)
        {
            // However the SDK ends a cancelled stream (an exception, an idle timeout, or quietly without a finish reason).
            finishReason = FinishReasons.Cancelled;
        }
        catch (OperationCanceledException) when (run.Stopping.IsCancellationRequested)
        {
            shuttingDown = true;
        }
        catch (Exception exception)
        {
            providerFailure = exception;
        }

        if (!await deltas.CompleteAsync())
        {
            LogDeclaredLost(generationId, deltas.NextSeq);
            return;
        }

        var seq = deltas.NextSeq;
        var failure = shuttingDown ? ShutdownError(generationId, seq)
            : providerFailure is null ? null
            : ProviderFailure.ToErrorEvent(providerFailure, command.Agent.Provider, generationId, seq);
        if (providerFailure is not null)
        {
            // One line a person can scan; the stack (SDK frames mostly) only for whoever turns on Debug.
            LogProviderFailed(generationId, command.Agent.Id, run.Meta.ConversationId, failure!.Code, providerFailure.GetType().Name);
            LogProviderFailure(providerFailure, generationId);
        }

        var totalMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var timings = new GenerationTimings(firstTokenMs, totalMs, (firstTokenMs ?? totalMs) - firstReasoningMs);
        var stored = new ConversationMessage(
            ConversationMessage.AssistantRole, deltas.Answer, time.GetUtcNow(), command.Agent.Id, generationId,
            failure is null ? finishReason : FinishReasons.Error)
        {
            Transport = run.Meta.Transport,
            Provider = run.Meta.Provider,
            Model = run.Meta.Model,
            Usage = usage,
            Timings = timings,
            Reasoning = deltas.Reasoning,
        };
        // Stored before the terminal event, so a client that sees `done` finds the message in the conversation.
        await StoreAnswerAsync(command.UserId, run.Meta.ConversationId, stored, run.Stopping);

        GenerationEvent terminal = (GenerationEvent?)failure ?? new DoneEvent
        {
            GenerationId = generationId,
            Seq = seq,
            FinishReason = finishReason,
            Usage = usage,
            Timings = timings,
        };
        await backplane.AppendAsync(terminal, CancellationToken.None);
        LogEnded(generationId, terminal is DoneEvent done ? done.FinishReason : ((ErrorEvent)terminal).Code, seq);
    }

    /// <summary>
    /// Stores the finished answer, asking again while the store is briefly away (a Redis restart, a Cluster failover
    /// answering CLUSTERDOWN for seconds): the answer streamed whole and must not end as lost for a blip. Asking again
    /// is safe: the store takes a generation's answer once. Past the window the failure ends the generation as lost.
    /// </summary>
    private async Task StoreAnswerAsync(string userId, string conversationId, ConversationMessage answer, CancellationToken stopping)
    {
        var deadline = time.GetTimestamp() + (long)(StoreRetryWindow.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            try
            {
                await conversations.AppendAsync(userId, conversationId, answer, CancellationToken.None);
                return;
            }
            catch (Exception exception) when (TransientRedis.IsTransient(exception) && time.GetTimestamp() < deadline)
            {
                LogStoreRetried(exception, answer.GenerationId!);
                await Task.Delay(EndRetryDelay, time, stopping);
            }
        }
    }

    private static ErrorEvent ShutdownError(string generationId, long seq) => new()
    {
        GenerationId = generationId,
        Seq = seq,
        Code = ErrorCodes.GenerationLost,
        Message = "The server answering this generation is shutting down; ask again.",
        Retryable = true,
    };

    /// <summary>
    /// Closes a generation whose runner failed before its terminal event. The other replicas see this replica's lease
    /// alive, so they would wait for the runner forever; the runner is the one that has to say it stopped. When the
    /// log is what failed (Redis away longer than an append retries), it tries again until the error lands or the
    /// process stops, so the generation still ends, typed, once the log is back.
    /// </summary>
    private async Task EndAsLostAsync(string generationId, CancellationToken stopping)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var stored = await backplane.ReadStoredAsync(generationId, CancellationToken.None);
                if (stored.Count > 0 && stored[^1].IsTerminal
                    || await backplane.AppendAsync(GenerationLost.At(generationId, stored.Count > 0 ? stored[^1].Seq + 1 : 0), CancellationToken.None)
                    || await backplane.FindAsync(generationId, CancellationToken.None) is null)
                {
                    return;
                }
            }
            catch (Exception exception)
            {
                if (attempt == 0)
                {
                    LogRunnerFailed(exception, generationId);
                }
            }

            try
            {
                await Task.Delay(EndRetryDelay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <inheritdoc/>
    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>On shutdown every running generation ends with a retryable error instead of going silent.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        var running = _running.Values.Select(run => run.Completion).OfType<Task>().ToArray();
        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    [LoggerMessage(1, LogLevel.Information, "Generation {GenerationId} started for agent {AgentId} over {Tier}.")]
    private partial void LogStarted(string generationId, string agentId, string tier);

    [LoggerMessage(2, LogLevel.Information, "Generation {GenerationId} ended: {Outcome} after {Events} events.")]
    private partial void LogEnded(string generationId, string outcome, long events);

    [LoggerMessage(3, LogLevel.Warning, "Generation {GenerationId} of agent {AgentId} in conversation {ConversationId} failed upstream: {Code} ({ExceptionType}).")]
    private partial void LogProviderFailed(string generationId, string agentId, string conversationId, string code, string exceptionType);

    [LoggerMessage(8, LogLevel.Debug, "Generation {GenerationId}: the provider's failure.")]
    private partial void LogProviderFailure(Exception exception, string generationId);

    [LoggerMessage(4, LogLevel.Warning, "Generation {GenerationId} was declared lost before seq {Seq}; its runner stops.")]
    private partial void LogDeclaredLost(string generationId, long seq);

    [LoggerMessage(7, LogLevel.Information, "A retried start joined generation {GenerationId} over {Tier}.")]
    private partial void LogRetryJoined(string generationId, string tier);

    [LoggerMessage(9, LogLevel.Warning, "A start over {Tier} was answered busy: {Reason}.")]
    private partial void LogStartBusy(string tier, string reason);

    [LoggerMessage(10, LogLevel.Warning, "A start over {Tier} was answered busy: its storage did not answer in time.")]
    private partial void LogStartStorageFailed(Exception exception, string tier);

    [LoggerMessage(12, LogLevel.Warning, "Generation {GenerationId}: its start's claim on the idempotency key was not updated; it lapses by itself.")]
    private partial void LogClaimNotUpdated(Exception exception, string generationId);

    [LoggerMessage(6, LogLevel.Error, "The runner of generation {GenerationId} failed.")]
    private partial void LogRunnerFailed(Exception exception, string generationId);

    [LoggerMessage(11, LogLevel.Warning, "Generation {GenerationId}: storing its answer failed; asking the store again.")]
    private partial void LogStoreRetried(Exception exception, string generationId);
}
