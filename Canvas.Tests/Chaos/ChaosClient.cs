using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chaos;

/// <summary>How one connection of a chaos client ended.</summary>
public enum SegmentEnd
{
    /// <summary>The answer ended: <c>done</c> or <c>error</c> arrived.</summary>
    Ended,

    /// <summary>The script cut the connection.</summary>
    Cut,

    /// <summary>The connection failed or closed before the answer ended.</summary>
    Dropped,
}

/// <summary>A resume that delivered its first event: how long it took, and where.</summary>
/// <param name="FromRequestMs">From the resume request (connect, then <c>resume</c> or <c>GET …/events</c>) to its first event.</param>
/// <param name="FromLossMs">From the moment the client lost (or cut) its connection to that event, finding a live instance included.</param>
/// <param name="SameInstance">Whether it resumed on the instance it lost.</param>
/// <param name="Tier">The tier it resumed on.</param>
public sealed record ReconnectSample(double FromRequestMs, double FromLossMs, bool SameInstance, string Tier);

/// <summary>
/// One user asking one question the way a resilient client does: start with an idempotency key, follow the answer on
/// any tier and instance, and after a lost connection resume from the last <c>seq</c> it has, on any tier and instance
/// (a REST call joins the answer with the same key; a status snapshot is the REST tier's way to catch up).
/// </summary>
public sealed class ChaosClient
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(15);
    private readonly ChaosStack _stack;
    private readonly string _token;
    private long? _lostAt;
    private ChatApiProcess? _lostOn;

    /// <summary>Creates the client for a fresh user asking <paramref name="agentId"/> one question.</summary>
    public ChaosClient(ChaosStack stack, string agentId, int number)
    {
        _stack = stack;
        AgentId = agentId;
        UserId = $"chaos-{number}-{Guid.NewGuid():N}";
        Message = $"Count from 1 to 5 (chaos #{number})";
        IdempotencyKey = Guid.NewGuid().ToString("N");
        _token = TestTokens.For(UserId, TimeSpan.FromHours(2));
    }

    public string AgentId { get; }
    public string UserId { get; }

    /// <summary>Gets the question; unique per client, so the upstream request that answers it can be found.</summary>
    public string Message { get; }
    public string IdempotencyKey { get; }
    public ChaosTranscript Transcript { get; } = new();

    /// <summary>Gets or sets the disruption's hang bound, postponed while the client waits for a live instance.</summary>
    public ChaosDeadline? Deadline { get; set; }

    /// <summary>Gets the instances a start went to: one of them runs the answer.</summary>
    public List<ChatApiProcess> StartedOn { get; } = [];

    /// <summary>Gets each connection the client made and how it ended, for the report of an outcome that is not allowed.</summary>
    public List<string> Trail { get; } = [];

    /// <summary>Gets every resume that delivered an event.</summary>
    public List<ReconnectSample> Reconnects { get; } = [];

    /// <summary>
    /// Follows the answer over one connection to <paramref name="instance"/> on <paramref name="tier"/>: starts it if the
    /// client has no generation yet, else resumes after its last <c>seq</c>. <paramref name="onEvent"/> sees each event
    /// and returns true to cut the connection right after it.
    /// </summary>
    public async Task<SegmentEnd> StreamAsync(ChatApiProcess instance, string tier, Func<GenerationEvent, Task<bool>>? onEvent, CancellationToken cancellationToken)
    {
        if (tier == "rest")
        {
            return await RestAsync(instance, abandonAfter: null, cancellationToken);
        }

        var resuming = Transcript.GenerationId is not null;
        if (!resuming)
        {
            StartedOn.Add(instance);
            _stack.QueueAnswer(AgentId);
        }

        var lostAt = _lostAt;
        var lostOn = _lostOn;
        var requestedAt = _stack.Now;
        Trail.Add($"{tier}@{instance.Name} {(resuming ? $"resume after {Transcript.LastSeq}" : "start")} (t={requestedAt} ms)");
        try
        {
            var events = tier == "websocket" ? WebSocketEventsAsync(instance, cancellationToken) : SseEventsAsync(instance, cancellationToken);
            await foreach (var generationEvent in events)
            {
                if (lostAt is { } from && resuming)
                {
                    Reconnects.Add(new ReconnectSample(_stack.Now - requestedAt, _stack.Now - from, instance == lostOn, tier));
                    lostAt = null;
                }

                Transcript.Accept(generationEvent);
                if (Transcript.Ended)
                {
                    return Note(tier, instance, resuming, SegmentEnd.Ended);
                }

                if (onEvent is not null && await onEvent(generationEvent))
                {
                    Lost(instance);
                    return Note(tier, instance, resuming, SegmentEnd.Cut);
                }
            }
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            Trail.Add($"  {exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
        }

        Lost(instance);
        return Note(tier, instance, resuming, SegmentEnd.Dropped);
    }

    private SegmentEnd Note(string tier, ChatApiProcess instance, bool resumed, SegmentEnd end)
    {
        Trail.Add($"{tier}@{instance.Name} {(resumed ? "resume" : "start")} → {end} at seq {Transcript.LastSeq} (t={_stack.Now} ms)");
        return end;
    }

    /// <summary>
    /// Asks over REST (<c>POST /api/chat</c> with the idempotency key): starts the answer, or joins it and gets it
    /// whole. With <paramref name="abandonAfter"/>, the client gives up on the call after that long instead.
    /// </summary>
    public async Task<SegmentEnd> RestAsync(ChatApiProcess instance, TimeSpan? abandonAfter, CancellationToken cancellationToken)
    {
        if (Transcript.GenerationId is null)
        {
            StartedOn.Add(instance);
            _stack.QueueAnswer(AgentId);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (abandonAfter is { } patience)
        {
            attempt.CancelAfter(patience);
        }

        try
        {
            using var request = Request(HttpMethod.Post, instance, "/api/chat");
            request.Headers.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, IdempotencyKey);
            request.Content = JsonContent.Create(new { agentId = AgentId, conversationId = (string?)null, message = Message });
            using var response = await _stack.Http.SendAsync(request, attempt.Token);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(attempt.Token))!.AsObject();
            var generationId = body["generationId"]?.GetValue<string>();
            if (generationId is null)
            {
                // Refused before any answer existed (Redis down at the start, say): try again.
                Lost(instance);
                return Note("rest", instance, resumed: false, SegmentEnd.Dropped);
            }

            var text = body["text"]?.GetValue<string>() ?? "";
            if (response.IsSuccessStatusCode)
            {
                Transcript.AcceptWhole(generationId, text, lastSeq: null, body["finishReason"]!.GetValue<string>(), errorCode: null, retryable: false);
            }
            else
            {
                Transcript.AcceptWhole(generationId, text, lastSeq: null, finishReason: null, body["code"]!.GetValue<string>(),
                    body["retryable"]?.GetValue<bool>() ?? false);
            }

            return Note("rest", instance, resumed: false, SegmentEnd.Ended);
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            Lost(instance);
            return Note("rest", instance, resumed: false, abandonAfter is not null && attempt.IsCancellationRequested ? SegmentEnd.Cut : SegmentEnd.Dropped);
        }
    }

    /// <summary>Catches up over the REST tier's status snapshot (<c>GET /api/generations/{gid}</c>); false when it failed.</summary>
    public async Task<bool> PeekAsync(ChatApiProcess instance, CancellationToken cancellationToken)
    {
        if (await SnapshotAsync(instance, cancellationToken) is not { } snapshot)
        {
            return false;
        }

        Transcript.AcceptWhole(snapshot.GenerationId, snapshot.Text, snapshot.LastSeq,
            snapshot.Status is "done" or "cancelled" ? snapshot.FinishReason : null, snapshot.Error?.Code, snapshot.Error?.Retryable ?? false);
        return true;
    }

    /// <summary>The generation's status snapshot on an instance, or null when the call failed.</summary>
    public async Task<GenerationSnapshot?> SnapshotAsync(ChatApiProcess instance, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request(HttpMethod.Get, instance, $"/api/generations/{Transcript.GenerationId}");
            using var response = await _stack.Http.SendAsync(request, cancellationToken).WaitAsync(ConnectBound, cancellationToken);
            return response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync<GenerationSnapshot>(JsonSerializerOptions.Web, cancellationToken)
                : null;
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            return null;
        }
    }

    /// <summary>Asks the instance to stop the answer (<c>POST /api/generations/{gid}/cancel</c>); false when the call failed.</summary>
    public async Task<bool> CancelAsync(ChatApiProcess instance, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request(HttpMethod.Post, instance, $"/api/generations/{Transcript.GenerationId}/cancel");
            using var response = await _stack.Http.SendAsync(request, cancellationToken).WaitAsync(ConnectBound, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            return false;
        }
    }

    /// <summary>Follows the answer to its end, on a random live instance and tier after every lost connection.</summary>
    public async Task FinishAsync(Random random, CancellationToken cancellationToken)
    {
        var tiers = ChaosStack.AgentTiers[AgentId];
        while (!Transcript.Ended)
        {
            var instance = await _stack.PickAsync(random, deadline: Deadline, cancellationToken: cancellationToken);
            if (await StreamAsync(instance, tiers[random.Next(tiers.Length)], onEvent: null, cancellationToken) == SegmentEnd.Dropped)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private void Lost(ChatApiProcess instance)
    {
        _lostAt = _stack.Now;
        _lostOn = instance;
    }

    private async IAsyncEnumerable<GenerationEvent> SseEventsAsync(ChatApiProcess instance, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = Transcript.GenerationId is { } generationId
            ? Request(HttpMethod.Get, instance, $"/api/generations/{generationId}/events?after={Transcript.LastSeq}")
            : Request(HttpMethod.Post, instance, "/api/chat/sse");
        if (request.Method == HttpMethod.Post)
        {
            request.Headers.Add(ChatApi.Apis.ChatApi.IdempotencyKeyHeader, IdempotencyKey);
            request.Content = JsonContent.Create(new { agentId = AgentId, conversationId = (string?)null, message = Message });
        }

        using var response = await _stack.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .WaitAsync(ConnectBound, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ChaosRefusalException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        await foreach (var generationEvent in SseReader.ReadEventsAsync(response, cancellationToken))
        {
            yield return generationEvent;
        }
    }

    private async IAsyncEnumerable<GenerationEvent> WebSocketEventsAsync(ChatApiProcess instance, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {_token}");
        try
        {
            await socket.ConnectAsync(new UriBuilder(instance.Address) { Scheme = "ws", Path = "/api/chat/ws" }.Uri, cancellationToken)
                .WaitAsync(ConnectBound, cancellationToken);
            object first = Transcript.GenerationId is { } generationId
                ? new { type = "resume", generationId, afterSeq = Transcript.LastSeq }
                : new { type = "start", requestId = "r1", agentId = AgentId, message = Message, idempotencyKey = IdempotencyKey };
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(first, JsonSerializerOptions.Web), WebSocketMessageType.Text, true, cancellationToken);

            var buffer = new byte[16 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    yield break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["seq"] is null)
                {
                    throw new ChaosRefusalException(json.ToJsonString());
                }

                yield return JsonSerializer.Deserialize(json.ToJsonString(), CanvasJsonContext.Default.GenerationEvent)!;
            }
        }
        finally
        {
            // A cut, as a network failure would: no close handshake.
            socket.Abort();
        }
    }

    private HttpRequestMessage Request(HttpMethod method, ChatApiProcess instance, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(instance.Address, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return request;
    }

    // Whatever a dead instance, a dropped connection, a restarting Redis or a refused request looks like to a client;
    // only the run's own deadline is not one.
    private static bool IsConnectionFailure(Exception exception, CancellationToken deadline) =>
        !deadline.IsCancellationRequested
        && exception is HttpRequestException or IOException or WebSocketException or OperationCanceledException or TimeoutException
            or ChaosRefusalException or JsonException;
}

/// <summary>The server refused a request (a status, or a WebSocket error without a seq); the client tries again.</summary>
public sealed class ChaosRefusalException(string message) : Exception(message);
