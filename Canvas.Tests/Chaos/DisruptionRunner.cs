using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chaos;

/// <summary>
/// Plays one <see cref="Disruption"/> against the stack through HTTP and WebSockets only, then judges the answer the
/// client ended with against the recording.
/// </summary>
public sealed class DisruptionRunner(ChaosStack stack)
{
    /// <summary>Runs the disruption; never throws for what the system under test does.</summary>
    public async Task<DisruptionResult> RunAsync(Disruption disruption)
    {
        var random = disruption.NewRandom();
        var client = new ChaosClient(stack, disruption.AgentId, disruption.Number);
        using var bound = new ChaosDeadline(stack.Settings.HangBound);
        client.Deadline = bound;
        if (disruption.Kind is not (DisruptionKind.ServingInstanceKilled or DisruptionKind.RunnerInstanceKilled
            or DisruptionKind.RedisRestarted or DisruptionKind.RedisPaused))
        {
            // The others start it once they hold the fault gate: its queue is the run's, not the system's.
            bound.Restart();
        }
        var play = new Play(stack, client, random);
        var began = stack.Now;
        try
        {
            await (disruption.Kind switch
            {
                DisruptionKind.ClientCut => ClientCutAsync(play, bound.Token),
                DisruptionKind.TierWalk => TierWalkAsync(play, bound.Token),
                DisruptionKind.ServingInstanceKilled => ServingInstanceKilledAsync(play, bound.Token),
                DisruptionKind.RunnerInstanceKilled => RunnerInstanceKilledAsync(play, bound.Token),
                DisruptionKind.RedisRestarted => RedisFaultAsync(play, restart: true, bound.Token),
                DisruptionKind.RedisPaused => RedisFaultAsync(play, restart: false, bound.Token),
                DisruptionKind.SlowConsumer => SlowConsumerAsync(play, bound.Token),
                DisruptionKind.Stop => StopAsync(play, bound.Token),
                _ => throw new ArgumentOutOfRangeException(nameof(disruption), disruption.Kind, null),
            });
            await client.FinishAsync(random, bound.Token);
            if (disruption.Kind == DisruptionKind.Stop)
            {
                await play.JudgeStopAsync(bound.Token);
            }
        }
        catch (OperationCanceledException) when (bound.Token.IsCancellationRequested)
        {
            // Whether the server ended the answer tells a stuck reader from a stuck runner.
            using var look = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            GenerationSnapshot? snapshot = null;
            try
            {
                snapshot = client.Transcript.GenerationId is null ? null : await client.SnapshotAsync(await play.PickAsync(look.Token), look.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException)
            {
                // No instance answered within the look's bound: the report says so ("?") instead of ending the run.
            }

            return Judge(disruption, play, began) with
            {
                Outcome = ChaosOutcome.Hung,
                Detail = $"no end within {stack.Settings.HangBound.TotalSeconds} s; had seq {client.Transcript.LastSeq} of {client.Transcript.GenerationId} "
                    + $"(server: {snapshot?.Status ?? "?"} at seq {snapshot?.LastSeq}); "
                    + string.Join(" | ", client.Trail.Concat(stack.LogLinesAbout(client.Transcript.GenerationId ?? "?").Take(10))),
            };
        }

        if (disruption.Kind == DisruptionKind.RunnerInstanceKilled && play.KilledAt is { } killedAt)
        {
            play.LostDetectedMs = stack.Now - killedAt;
            await play.CheckSnapshotAfterLossAsync(CancellationToken.None);
        }

        return Judge(disruption, play, began);
    }

    private DisruptionResult Judge(Disruption disruption, Play play, long began)
    {
        var transcript = play.Client.Transcript;
        var recorded = stack.RecordedAnswer(disruption.AgentId);
        var ended = stack.Now;
        var text = transcript.Text;
        var (outcome, detail) = transcript switch
        {
            { OtherGenerations.Count: > 0 } => (ChaosOutcome.Duplicate,
                $"its one idempotency key was answered by {transcript.GenerationId} and again by {string.Join(", ", transcript.OtherGenerations)}: "
                + string.Join(" | ", play.Client.Trail.Concat(stack.LogLinesAbout(transcript.GenerationId ?? "?").Take(10))
                    .Concat(transcript.OtherGenerations.SelectMany(other => stack.LogLinesAbout(other).Take(10))))),
            { Repeated: > 0 } => (ChaosOutcome.Duplicate, $"{transcript.Repeated} events with a seq already delivered"),
            { Skipped: > 0 } => (ChaosOutcome.Loss, $"{transcript.Skipped} seq skipped"),
            { Inconsistent: > 0 } => (ChaosOutcome.Loss, "a whole answer or snapshot did not continue the text already delivered"),
            _ when !transcript.Ended => (ChaosOutcome.Hung, "no terminal event"),
            _ when transcript.ErrorCode is not null || transcript.FinishReason == FinishReasons.Cancelled => recorded.StartsWith(text, StringComparison.Ordinal)
                ? (transcript.ErrorCode is null ? ChaosOutcome.ExactlyOnce : ChaosOutcome.TypedError, null)
                : Mismatch(text, recorded),
            _ => text == recorded ? (ChaosOutcome.ExactlyOnce, null) : Mismatch(text, recorded),
        };
        if (play.StoredTextDiffers is { } stored && outcome == ChaosOutcome.ExactlyOnce)
        {
            (outcome, detail) = (ChaosOutcome.Loss, stored);
        }

        var runnerKilled = play.Client.StartedOn.Any(instance => stack.WasKilled(instance, ended));
        var expected = transcript.ErrorCode == ErrorCodes.GenerationLost && transcript.ErrorRetryable
            && (runnerKilled || stack.RedisFaultDuring(began, ended));
        return new DisruptionResult(disruption.Number, disruption.Kind, disruption.AgentId, outcome)
        {
            ErrorCode = transcript.ErrorCode,
            ExpectedError = outcome == ChaosOutcome.TypedError && expected,
            RunnerKilled = runnerKilled,
            Cancelled = transcript.FinishReason == FinishReasons.Cancelled,
            FaultLanded = play.FaultLanded,
            Reconnects = play.Client.Reconnects,
            StopToUpstreamCancelledMs = play.StopToUpstreamCancelledMs,
            StopTrail = play.StopTrail is { } trail ? $"{trail}; {stack.DescribeRedisFaultsNear(play.StopSentAt!.Value + (long)(play.StopToUpstreamCancelledMs ?? 0))}" : null,
            UpstreamOrphaned = play.UpstreamOrphaned,
            LostDetectedMs = play.LostDetectedMs,
            SnapshotStillRunning = play.SnapshotStillRunning,
            Detail = outcome == ChaosOutcome.TypedError && !expected
                ? $"{transcript.ErrorCode} (retryable: {transcript.ErrorRetryable}) with no killed runner or Redis fault to explain it "
                    + $"(began at {began} ms, ended at {ended} ms; {stack.DescribeRedisFaultsNear(began)}): "
                    + string.Join(" | ", play.Client.Trail.Concat(stack.LogLinesAbout(transcript.GenerationId ?? "?").Take(10)))
                : detail ?? (play.UpstreamOrphaned ? "the upstream call outlived the stop" : play.SnapshotStillRunning ? "the snapshot still says running" : null),
        };
    }

    private static (ChaosOutcome, string?) Mismatch(string text, string recorded) =>
        text.Length > recorded.Length || !recorded.StartsWith(text, StringComparison.Ordinal) && text.Length >= recorded.Length
            ? (ChaosOutcome.Duplicate, $"got {text.Length} chars, recorded {recorded.Length}: '{Shorten(text)}'")
            : (ChaosOutcome.Loss, $"got {text.Length} chars, recorded {recorded.Length}: '{Shorten(text)}'");

    private static string Shorten(string text) => text.Length <= 80 ? text : $"{text[..40]}…{text[^40..]}";

    // Cut at a random event on a random tier (REST: give up on the call after a random while), resume on a random
    // instance and tier.
    private static async Task ClientCutAsync(Play play, CancellationToken cancellationToken)
    {
        var (client, random) = (play.Client, play.Random);
        var tier = play.AnyTier();
        var first = await play.PickAsync(cancellationToken);
        var end = tier == "rest"
            ? await client.RestAsync(first, TimeSpan.FromMilliseconds(random.Next(50, 900)), cancellationToken)
            : await client.StreamAsync(first, tier, play.CutAtSeq(random.Next(0, 6)), cancellationToken);
        play.FaultLanded = end != SegmentEnd.Ended;
        if (!client.Transcript.Ended)
        {
            await play.AwayAsync(cancellationToken);
            await client.StreamAsync(await play.PickAsync(cancellationToken), play.AnyTier(), onEvent: null, cancellationToken);
        }
    }

    // WebSocket → SSE → REST (the status snapshot) → back up to the best tier; Ollama starts on SSE, its best.
    private static async Task TierWalkAsync(Play play, CancellationToken cancellationToken)
    {
        var client = play.Client;
        var best = play.StreamTiers()[0];
        var end = await client.StreamAsync(await play.PickAsync(cancellationToken), best, play.CutAtSeq(play.Random.Next(0, 3)), cancellationToken);
        if (!client.Transcript.Ended)
        {
            await play.AwayAsync(cancellationToken);
            end = await client.StreamAsync(await play.PickAsync(cancellationToken), "sse",
                play.CutAtSeq(client.Transcript.LastSeq + play.Random.Next(1, 3)), cancellationToken);
        }

        if (!client.Transcript.Ended)
        {
            await client.PeekAsync(await play.PickAsync(cancellationToken), cancellationToken);
        }

        play.FaultLanded = !client.Transcript.Ended;
        if (!client.Transcript.Ended)
        {
            await client.StreamAsync(await play.PickAsync(cancellationToken), best, onEvent: null, cancellationToken);
        }
    }

    // The answer runs on one instance while the client follows it from another, which is killed under it.
    private async Task ServingInstanceKilledAsync(Play play, CancellationToken cancellationToken)
    {
        var client = play.Client;
        await using var gate = await play.HoldFaultGateAsync(stack.InstanceFaultGate, cancellationToken);
        await stack.WaitUntilTwoLiveAsync(CancellationToken.None);
        client.Deadline?.Restart();
        var runner = await play.PickAsync(cancellationToken);
        await client.StreamAsync(runner, play.AnyStreamTier(), play.CutAtSeq(play.Random.Next(0, 2)), cancellationToken);
        if (client.Transcript.Ended)
        {
            play.FaultLanded = false;
            return;
        }

        var serving = await stack.PickAsync(play.Random, avoid: runner, client.Deadline, cancellationToken);
        var killAt = client.Transcript.LastSeq + play.Random.Next(1, 3);
        await client.StreamAsync(serving, play.AnyStreamTier(), async generationEvent =>
        {
            if (generationEvent.Seq >= killAt && !play.FaultLanded)
            {
                play.FaultLanded = true;
                await stack.KillAsync(serving);
                await gate.DisposeAsync();
            }

            return false;
        }, cancellationToken);
    }

    // The instance running the answer is killed while the client follows it, from that instance or another.
    private async Task RunnerInstanceKilledAsync(Play play, CancellationToken cancellationToken)
    {
        var client = play.Client;
        await using var gate = await play.HoldFaultGateAsync(stack.InstanceFaultGate, cancellationToken);
        await stack.WaitUntilTwoLiveAsync(CancellationToken.None);
        client.Deadline?.Restart();
        var runner = await play.PickAsync(cancellationToken);
        await client.StreamAsync(runner, play.AnyStreamTier(), play.CutAtSeq(play.Random.Next(0, 2)), cancellationToken);
        if (client.Transcript.Ended)
        {
            play.FaultLanded = false;
            return;
        }

        var follower = play.Random.Next(2) == 0 ? runner : await stack.PickAsync(play.Random, avoid: runner, client.Deadline, cancellationToken);
        var killAt = client.Transcript.LastSeq + play.Random.Next(1, 3);
        await client.StreamAsync(follower, play.AnyStreamTier(), async generationEvent =>
        {
            if (generationEvent.Seq >= killAt && play.KilledAt is null)
            {
                play.KilledAt = stack.Now;
                play.FaultLanded = true;
                await stack.KillAsync(runner);
                await gate.DisposeAsync();
            }

            return false;
        }, cancellationToken);
        play.FaultLanded = play.KilledAt is not null;
    }

    // Redis goes away (restart) or stops answering (pause) while the client reads; the client keeps reading.
    private async Task RedisFaultAsync(Play play, bool restart, CancellationToken cancellationToken)
    {
        var (client, random) = (play.Client, play.Random);
        await using var gate = await play.HoldFaultGateAsync(stack.RedisFaultGate, cancellationToken);
        var faultAt = random.Next(1, 4);
        var downtime = TimeSpan.FromMilliseconds(random.Next(100, 800));
        var pause = TimeSpan.FromMilliseconds(random.Next(300, 1500));
        var debugSleep = random.Next(2) == 0;
        Task fault = Task.CompletedTask;
        try
        {
            await client.StreamAsync(await play.PickAsync(cancellationToken), play.AnyStreamTier(), generationEvent =>
            {
                if (generationEvent.Seq >= faultAt && !play.FaultLanded)
                {
                    play.FaultLanded = true;
                    fault = InjectAsync();
                }

                return Task.FromResult(false);
            }, cancellationToken);
        }
        finally
        {
            await fault;
        }

        async Task InjectAsync()
        {
            await (restart ? stack.RestartRedisAsync(random, downtime) : stack.PauseRedisAsync(random, pause, debugSleep));
            await gate.DisposeAsync();
        }
    }

    private static async Task SlowConsumerAsync(Play play, CancellationToken cancellationToken)
    {
        var random = play.Random;
        var stallAt = random.Next(0, 4);
        var stall = TimeSpan.FromMilliseconds(random.Next(500, 2500));
        await play.Client.StreamAsync(await play.PickAsync(cancellationToken), play.AnyStreamTier(), async generationEvent =>
        {
            if (generationEvent.Seq == stallAt)
            {
                play.FaultLanded = true;
                await Task.Delay(stall, cancellationToken);
            }

            return false;
        }, cancellationToken);
    }

    // Stop from a random instance once the provider is answering; the upstream call must be aborted.
    private async Task StopAsync(Play play, CancellationToken cancellationToken)
    {
        var (client, random) = (play.Client, play.Random);
        var stopAt = random.Next(1, 4);
        await client.StreamAsync(await play.PickAsync(cancellationToken), play.AnyStreamTier(), async generationEvent =>
        {
            if (generationEvent.Seq >= stopAt && play.StopSentAt is null)
            {
                play.UpstreamCall = stack.UpstreamOf(client.AgentId).Requests.LastOrDefault(request => request.Body.Contains(client.Message, StringComparison.Ordinal));
                play.UpstreamAbortedAt = play.UpstreamCall?.Aborted.ContinueWith(_ => stack.Now, TaskScheduler.Default);
                play.StopSentAt = stack.Now;
                play.FaultLanded = true;
                var refusals = 0;
                ChatApiProcess stopOn;
                while (!await client.CancelAsync(stopOn = await play.PickAsync(cancellationToken), cancellationToken))
                {
                    refusals++;
                    await Task.Delay(100, cancellationToken);
                }

                play.StopTrail = $"stop at seq {generationEvent.Seq}, t={play.StopSentAt}, to {stopOn.Name} (answer started on "
                    + $"{string.Join(", ", client.StartedOn.Select(instance => instance.Name))}), accepted after "
                    + $"{stack.Now - play.StopSentAt} ms and {refusals} refusals";
            }

            return false;
        }, cancellationToken);
    }

    /// <summary>One disruption's state while it plays.</summary>
    private sealed class Play(ChaosStack stack, ChaosClient client, Random random)
    {
        public ChaosClient Client { get; } = client;
        public Random Random { get; } = random;
        public bool FaultLanded { get; set; }
        public long? KilledAt { get; set; }
        public double? LostDetectedMs { get; set; }
        public bool SnapshotStillRunning { get; private set; }
        public long? StopSentAt { get; set; }
        public Fakes.RecordedRequest? UpstreamCall { get; set; }
        public Task<long>? UpstreamAbortedAt { get; set; }
        public double? StopToUpstreamCancelledMs { get; private set; }
        public string? StopTrail { get; set; }
        public bool UpstreamOrphaned { get; private set; }
        public string? StoredTextDiffers { get; private set; }

        /// <summary>
        /// Takes the fault gate for this disruption until the returned handle is disposed: as soon as the fault is in,
        /// so the next fault may come while this answer still recovers.
        /// </summary>
        public async Task<IAsyncDisposable> HoldFaultGateAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(CancellationToken.None);
            Client.Deadline?.Restart();
            return new GateHold(gate);
        }

        public Task<ChatApiProcess> PickAsync(CancellationToken cancellationToken) => stack.PickAsync(Random, deadline: Client.Deadline, cancellationToken: cancellationToken);

        public string[] StreamTiers() => ChaosStack.AgentTiers[Client.AgentId].Where(tier => tier != "rest").ToArray();

        public string AnyTier() => Pick(ChaosStack.AgentTiers[Client.AgentId]);

        public string AnyStreamTier() => Pick(StreamTiers());

        /// <summary>Stays away a little after a cut, as a client on a flaky network does, so the resume has events to replay.</summary>
        public Task AwayAsync(CancellationToken cancellationToken) => Task.Delay(Random.Next(100, 400), cancellationToken);

        public Func<GenerationEvent, Task<bool>> CutAtSeq(long seq) => generationEvent => Task.FromResult(generationEvent.Seq >= seq);

        /// <summary>A stopped answer: the upstream call aborted, and what the client has is what was stored.</summary>
        public async Task JudgeStopAsync(CancellationToken cancellationToken)
        {
            if (Client.Transcript.FinishReason == FinishReasons.Cancelled && UpstreamCall is { } call && StopSentAt is { } sentAt)
            {
                try
                {
                    // A stop that came after the provider had sent its last chunk has nothing left to abort. How long
                    // the abort takes is measured (stop → upstream cancelled); only one that never comes is judged.
                    await Task.WhenAny(call.Aborted, call.Answered).WaitAsync(stack.Settings.HangBound, cancellationToken);
                    if (call.Aborted.IsCompleted)
                    {
                        StopToUpstreamCancelledMs = await UpstreamAbortedAt! - sentAt;
                    }

                    StopTrail += call.Aborted.IsCompleted ? $"; upstream aborted after {StopToUpstreamCancelledMs} ms" : "; the upstream had answered";
                }
                catch (TimeoutException)
                {
                    UpstreamOrphaned = true;
                }
            }

            if (Client.Transcript.GenerationId is not null
                && await Client.SnapshotAsync(await PickAsync(cancellationToken), cancellationToken) is { } snapshot
                && snapshot.Text != Client.Transcript.Text)
            {
                StoredTextDiffers = $"the client has {Client.Transcript.Text.Length} chars to seq {Client.Transcript.LastSeq}, the generation "
                    + $"{snapshot.Text.Length} to seq {snapshot.LastSeq} ({snapshot.Status}); "
                    + string.Join(" | ", Client.Trail.Concat(stack.LogLinesAbout(Client.Transcript.GenerationId).Take(10)));
            }
        }

        /// <summary>After a lost runner the snapshot, on any instance, must no longer say running.</summary>
        public async Task CheckSnapshotAfterLossAsync(CancellationToken cancellationToken)
        {
            if (Client.Transcript.ErrorCode == ErrorCodes.GenerationLost
                && await Client.SnapshotAsync(await PickAsync(cancellationToken), cancellationToken) is { } snapshot)
            {
                SnapshotStillRunning = snapshot.Status == "running";
            }
        }

        private string Pick(string[] tiers) => tiers[Random.Next(tiers.Length)];
    }

    private sealed class GateHold(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
