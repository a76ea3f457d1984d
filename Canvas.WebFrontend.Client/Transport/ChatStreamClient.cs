using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>
/// Streams an answer over the best tier that works, following the agent's <c>transports</c> order: a tier that
/// fails to open, is closed, drops, or stays silent past its deadline hands over to the next one, which resumes
/// after the last <c>seq</c> seen, so no text is lost or repeated. When every tier has failed it retries from
/// the top after backoff with jitter; after a fallback it probes the higher tier in the background and moves
/// back up between answers.
/// </summary>
public sealed class ChatStreamClient : IDisposable
{
    private readonly IReadOnlyDictionary<TransportTier, IChatTransport> _transports;
    private readonly ICanvasApi _api;
    private readonly ChatTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly TierHealth _health;
    private AgentInfo? _agent;
    private IChatTransport? _current;
    private bool _streaming;

    /// <summary>Creates the client.</summary>
    /// <param name="transports">One transport per tier.</param>
    /// <param name="api">The API, for cancelling over HTTP.</param>
    /// <param name="options">Deadlines and retry pacing.</param>
    /// <param name="time">The clock for backoff and re-probing.</param>
    public ChatStreamClient(IEnumerable<IChatTransport> transports, ICanvasApi api, ChatTransportOptions options, TimeProvider time)
    {
        _transports = transports.ToDictionary(transport => transport.Tier);
        _api = api;
        _options = options;
        _time = time;
        _health = new TierHealth(_transports, options, time);
        _health.Restored += () =>
        {
            if (!_streaming && _agent is not null)
            {
                SetStatus(_agent, NextTierIndex(_agent), interrupted: null);
            }
        };
    }

    /// <summary>Raised when <see cref="Status"/> changes.</summary>
    public event Action<ConnectionStatus>? StatusChanged;

    /// <summary>Gets what the connection indicator should show.</summary>
    public ConnectionStatus Status { get; private set; } = ConnectionStatus.Unknown;

    /// <summary>Shows the tier the next answer to <paramref name="agent"/> will use.</summary>
    /// <param name="agent">The selected agent.</param>
    public void SelectAgent(AgentInfo agent)
    {
        _agent = agent;
        if (!_streaming)
        {
            SetStatus(agent, NextTierIndex(agent), interrupted: null);
        }
    }

    /// <summary>Starts an answer and streams its events exactly once, ending with <c>done</c> or <c>error</c>.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="start">The request.</param>
    /// <param name="cancellationToken">Stops streaming (the server keeps generating; see <see cref="CancelAsync"/>).</param>
    /// <returns>The events.</returns>
    public IAsyncEnumerable<ChatEvent> SendAsync(AgentInfo agent, ChatStart start, CancellationToken cancellationToken) =>
        StreamAsync(agent, start, resumeFrom: null, cancellationToken);

    /// <summary>Follows a running generation from <paramref name="point"/> (a reload, another tab), exactly once.</summary>
    /// <param name="agent">The agent answering.</param>
    /// <param name="point">The last event and text length already shown.</param>
    /// <param name="cancellationToken">Stops streaming.</param>
    /// <returns>The events after the resume point.</returns>
    public IAsyncEnumerable<ChatEvent> ResumeAsync(AgentInfo agent, ResumePoint point, CancellationToken cancellationToken) =>
        StreamAsync(agent, start: null, point, cancellationToken);

    /// <summary>Asks the server to stop a generation: on the socket when the answer streams over one, else over HTTP.</summary>
    /// <param name="generationId">The generation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the request is sent.</returns>
    public async Task CancelAsync(string generationId, CancellationToken cancellationToken)
    {
        if (_current is null || !await _current.TryCancelAsync(generationId, cancellationToken))
        {
            await _api.CancelGenerationAsync(generationId, cancellationToken);
        }
    }

    /// <summary>Checks every tier the way an answer would use it.</summary>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>One result per tier, best tier first.</returns>
    public async Task<IReadOnlyList<TierProbeResult>> ProbeAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<TierProbeResult>();
        foreach (var transport in _transports.Values.OrderBy(transport => transport.Tier))
        {
            results.Add(await transport.ProbeAsync(cancellationToken));
        }

        return results;
    }

    /// <inheritdoc/>
    public void Dispose() => _health.Dispose();

    private async IAsyncEnumerable<ChatEvent> StreamAsync(
        AgentInfo agent,
        ChatStart? start,
        ResumePoint? resumeFrom,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _agent = agent;
        _streaming = true;
        var tiers = TransportTiers.FromWire(agent.Transports);
        var progress = new StreamProgress(resumeFrom);
        var index = NextTierIndex(agent);
        TransportTier? fallbackFrom = index > 0 ? tiers[0] : null;
        string? interrupted = null;
        var round = 0;
        try
        {
            while (true)
            {
                var tier = tiers[index];
                _current = _transports[tier];
                SetStatus(agent, index, interrupted);
                var transport = _current;
                var open = (CancellationToken token) => progress.Point is { } point
                    ? transport.ResumeAsync(point, fallbackFrom, token)
                    : transport.StartAsync(start!, fallbackFrom, token);
                await using var events = StreamDeadlines
                    .ApplyAsync(open, tier, _options.FirstEventDeadline(tier), _options.IdleDeadline(tier), cancellationToken)
                    .GetAsyncEnumerator(cancellationToken);

                string? failure = null;
                while (true)
                {
                    var (next, failed) = await NextAsync(events, tier, cancellationToken);
                    failure = failed;
                    if (next is null)
                    {
                        break;
                    }

                    if (!progress.Accept(next, transport.DeliversEachEvent))
                    {
                        continue;
                    }

                    yield return next;
                    if (next.IsTerminal)
                    {
                        _health.Restore(tier);
                        yield break;
                    }
                }

                failure ??= "The stream ended before the answer was complete.";
                _health.Demote(tier, failure);

                // Each tier's failure is kept for the round, so that REST can say why neither WebSocket nor SSE worked.
                interrupted = index == 0 || interrupted is null ? failure : $"{interrupted} {failure}";
                fallbackFrom = tier;
                if (index + 1 < tiers.Count)
                {
                    index++;
                    continue;
                }

                if (++round > _options.MaxRetryRounds)
                {
                    SetStatus(agent, null, interrupted);
                    yield return progress.Disconnected(interrupted);
                    yield break;
                }

                var delay = Backoff(round);
                SetStatus(agent, null, $"Nothing gets through right now. {interrupted} Trying again in {delay.TotalSeconds:0.#} s.");
                await Task.Delay(delay, _time, cancellationToken);
                index = 0;
            }
        }
        finally
        {
            _streaming = false;
        }
    }

    // A tier's failure becomes a reason to move on; a refusal that no other tier would change (an unknown
    // agent, an empty message) becomes the answer's error event. Only the caller's cancellation propagates.
    private static async Task<(ChatEvent? Next, string? Failure)> NextAsync(
        IAsyncEnumerator<ChatEvent> events, TransportTier tier, CancellationToken cancellationToken)
    {
        try
        {
            return await events.MoveNextAsync() ? (events.Current, null) : (null, null);
        }
        catch (TransportFailedException failure)
        {
            return (null, failure.Message);
        }
        catch (ApiProblemException problem) when (problem.Code is not null && problem.Code != "transport_not_supported" && problem.Status < 500)
        {
            return (new ChatEvent { Type = ChatEvent.Error, Code = problem.Code, Message = problem.Message, Retryable = problem.Status == 429 }, null);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && exception is ApiProblemException or HttpRequestException or WebSocketException or IOException or JsonException or OperationCanceledException)
        {
            return (null, $"{TierName(tier)} failed ({exception.Message}).");
        }
    }

    private static string TierName(TransportTier tier) => tier switch
    {
        TransportTier.WebSocket => "The WebSocket",
        TransportTier.Sse => "The event stream (SSE)",
        _ => "The plain request (REST)",
    };

    private TimeSpan Backoff(int round)
    {
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, round - 1));

        // "Equal jitter": at least half the backoff, so tabs that lost the same server do not return in step.
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private int NextTierIndex(AgentInfo agent)
    {
        var tiers = TransportTiers.FromWire(agent.Transports);
        for (var i = 0; i < tiers.Count; i++)
        {
            if (_transports.ContainsKey(tiers[i]) && _health.ReasonFor(tiers[i]) is null)
            {
                return i;
            }
        }

        return tiers.Count - 1;
    }

    private void SetStatus(AgentInfo agent, int? index, string? interrupted)
    {
        var tiers = TransportTiers.FromWire(agent.Transports);
        var tier = index is { } i ? tiers[i] : (TransportTier?)null;
        var reason = interrupted ?? (index is > 0 ? _health.ReasonFor(tiers[0]) : null);
        var status = new ConnectionStatus(tier, tiers[0], agent.Provider, agent.TransportNote, tier == tiers[0] ? null : reason);
        if (status != Status)
        {
            Status = status;
            StatusChanged?.Invoke(status);
        }
    }
}
