using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

public sealed class ChatStreamClientTests
{
    private static readonly AgentInfo OpenAiAgent = new("gpt", "GPT", "openai", "gpt-4o-mini", ["websocket", "sse", "rest"], "WebSocket first.");
    private static readonly AgentInfo OllamaAgent = new("llama", "Llama", "ollama", "llama3.2", ["sse", "rest"], "Ollama streams natively over HTTP.");
    private static readonly ChatStart Hello = new("gpt", null, "hello");

    private static ChatTransportOptions FastOptions() => new()
    {
        FirstEventTimeout = TimeSpan.FromMilliseconds(200),
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(2),
        MaxRetryRounds = 1,
        ReprobeInterval = TimeSpan.FromHours(1),
    };

    private static (ChatStreamClient Client, ScriptedTransport WebSocket, ScriptedTransport Sse, ScriptedTransport RestTier, RecordingCanvasApi Api) Create(ChatTransportOptions? options = null)
    {
        var webSocket = new ScriptedTransport(TransportTier.WebSocket);
        var sse = new ScriptedTransport(TransportTier.Sse);
        var rest = new ScriptedTransport(TransportTier.Rest, deliversEachEvent: false);
        var api = new RecordingCanvasApi();
        var client = new ChatStreamClient([webSocket, sse, rest], api, options ?? FastOptions(), TimeProvider.System);
        return (client, webSocket, sse, rest, api);
    }

    [Fact]
    public async Task SendAsync_AllTiersWork_StreamsOverTheAgentsFirstTier()
    {
        var (client, webSocket, _, _, _) = Create();
        var log = Generation.Log("Hel", "lo");
        webSocket.OnStart = (_, _, ct) => Generation.Replay(log, TransportTier.WebSocket, cancellationToken: ct);

        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        Assert.Equal(log, events);
        Assert.Equal(TransportTier.WebSocket, client.Status.Tier);
        Assert.False(client.Status.IsFallback);
        Assert.Equal([null], webSocket.StartFallbackFroms);
    }

    [Fact]
    public async Task SendAsync_WebSocketFailsToOpen_StartsOnSseSayingItFellBackFromWebSocket()
    {
        var (client, webSocket, sse, _, _) = Create();
        webSocket.OnStart = (_, _, _) => throw new TransportFailedException(TransportTier.WebSocket, "The WebSocket did not open within 3 s.");
        var log = Generation.Log("Hi");
        sse.OnStart = (_, _, ct) => Generation.Replay(log, TransportTier.Sse, cancellationToken: ct);

        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        Assert.Equal("Hi", Generation.Text(events));
        Assert.Equal([TransportTier.WebSocket], sse.StartFallbackFroms);
        Assert.Equal(TransportTier.Sse, client.Status.Tier);
        Assert.True(client.Status.IsFallback);
        Assert.Equal("The WebSocket did not open within 3 s.", client.Status.FallbackReason);
    }

    [Fact]
    public async Task SendAsync_WebSocketDropsMidAnswer_SseResumesAfterTheLastSeqAndNoTextRepeats()
    {
        var (client, webSocket, sse, _, _) = Create();
        var log = Generation.Log("The ", "quick ", "brown ", "fox");
        webSocket.OnStart = (_, _, ct) => Generation.Replay(log, TransportTier.WebSocket, dropAfter: 3, cancellationToken: ct);
        sse.OnResume = (point, _, ct) => Generation.Replay(log.Where(e => e.Seq > point.AfterSeq), TransportTier.Sse, cancellationToken: ct);

        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        Assert.Equal("The quick brown fox", Generation.Text(events));
        Assert.Equal(log.Select(e => e.Seq), events.Select(e => e.Seq));
        var resume = Assert.Single(sse.Resumes);
        Assert.Equal(new ResumePoint(Generation.Id, 2, "The quick ".Length), resume);
    }

    [Fact]
    public async Task SendAsync_NextTierReplaysEventsAlreadySeen_DropsThemSoEachArrivesOnce()
    {
        var (client, webSocket, sse, _, _) = Create();
        var log = Generation.Log("a", "b", "c", "d");
        webSocket.OnStart = (_, _, ct) => Generation.Replay(log, TransportTier.WebSocket, dropAfter: 4, cancellationToken: ct);
        sse.OnResume = (_, _, ct) => Generation.Replay(log, TransportTier.Sse, cancellationToken: ct);

        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        Assert.Equal("abcd", Generation.Text(events));
        Assert.Single(events, e => e.Type == ChatEvent.Meta);
    }

    [Fact]
    public async Task SendAsync_SseFirstEventMissesItsDeadline_FallsBackToRestWhichResumesByTextLength()
    {
        var (client, _, sse, rest, _) = Create();
        var ollama = Hello with { AgentId = "llama" };
        sse.OnStart = (_, _, ct) => Generation.Silent(ct);
        rest.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("whole answer"), TransportTier.Rest, cancellationToken: ct);

        var events = await Generation.CollectAsync(client.SendAsync(OllamaAgent, ollama, CancellationToken.None));

        Assert.Equal("whole answer", Generation.Text(events));
        Assert.Equal([TransportTier.Sse], rest.StartFallbackFroms);
        Assert.Equal(TransportTier.Rest, client.Status.Tier);
        Assert.Contains("first event did not arrive", client.Status.FallbackReason);
    }

    [Fact]
    public async Task SendAsync_RequestRefusedForAReasonNoTierChanges_EndsWithThatErrorWithoutFallingBack()
    {
        var (client, webSocket, sse, _, _) = Create();
        webSocket.OnStart = (_, _, _) => throw new ApiProblemException(400, "message_empty", "The message is empty.");

        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        var error = Assert.Single(events);
        Assert.Equal("message_empty", error.Code);
        Assert.Empty(sse.StartFallbackFroms);
    }

    [Fact]
    public async Task SendAsync_EveryTierFailsEveryRound_EndsDisconnectedWithARetryableError()
    {
        var (client, webSocket, sse, rest, _) = Create();
        webSocket.OnStart = (_, _, _) => throw new TransportFailedException(TransportTier.WebSocket, "no socket");
        sse.OnStart = (_, _, _) => throw new HttpRequestException("network down");
        rest.OnStart = (_, _, _) => throw new HttpRequestException("network down");

        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        var error = Assert.Single(events);
        Assert.Equal("disconnected", error.Code);
        Assert.True(error.Retryable);
        Assert.Null(client.Status.Tier);
        Assert.Equal("disconnected", client.Status.DataTier);
        Assert.Equal(2, webSocket.StartFallbackFroms.Count);
    }

    [Fact]
    public async Task SendAsync_AfterAFallback_NextAnswerStartsOnTheLowerTier()
    {
        var (client, webSocket, sse, _, _) = Create();
        webSocket.OnStart = (_, _, _) => throw new TransportFailedException(TransportTier.WebSocket, "closed after accept");
        sse.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("ok"), TransportTier.Sse, cancellationToken: ct);
        await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        Assert.Single(webSocket.StartFallbackFroms);
        Assert.Equal([TransportTier.WebSocket, TransportTier.WebSocket], sse.StartFallbackFroms);
    }

    [Fact]
    public async Task SendAsync_AfterTheHigherTierProbesHealthy_MovesBackUpBetweenAnswers()
    {
        var options = FastOptions();
        options.ReprobeInterval = TimeSpan.FromMilliseconds(1);
        var (client, webSocket, sse, _, _) = Create(options);
        var failWebSocket = true;
        webSocket.OnStart = (_, _, ct) => failWebSocket
            ? throw new TransportFailedException(TransportTier.WebSocket, "blocked")
            : Generation.Replay(Generation.Log("up"), TransportTier.WebSocket, cancellationToken: ct);
        sse.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("down"), TransportTier.Sse, cancellationToken: ct);
        webSocket.OnProbe = _ => Task.FromResult(new TierProbeResult(TransportTier.WebSocket, !failWebSocket, "", TimeSpan.Zero));
        await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));
        var restored = new TaskCompletionSource();
        client.StatusChanged += status => { if (status.Tier == TransportTier.WebSocket) restored.TrySetResult(); };
        failWebSocket = false;

        await restored.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var events = await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        Assert.Equal("up", Generation.Text(events));
        Assert.False(client.Status.IsFallback);
    }

    [Fact]
    public async Task ResumeAsync_FromAReload_DeliversOnlyEventsAfterThePoint()
    {
        var (client, _, sse, _, _) = Create();
        var log = Generation.Log("one ", "two ", "three");
        sse.OnResume = (point, _, ct) => Generation.Replay(log.Where(e => e.Seq > point.AfterSeq), TransportTier.Sse, cancellationToken: ct);

        var events = await Generation.CollectAsync(client.ResumeAsync(OllamaAgent, new ResumePoint(Generation.Id, 2, 8), CancellationToken.None));

        Assert.Equal("three", Generation.Text(events));
        Assert.Equal(ChatEvent.Done, events[^1].Type);
    }

    [Fact]
    public async Task CancelAsync_WhileOnWebSocket_CancelsOnTheSocket()
    {
        var (client, webSocket, _, _, api) = Create();
        webSocket.CancelsInBand = true;
        webSocket.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("x"), TransportTier.WebSocket, cancellationToken: ct);
        await Generation.CollectAsync(client.SendAsync(OpenAiAgent, Hello, CancellationToken.None));

        await client.CancelAsync(Generation.Id, CancellationToken.None);

        Assert.Equal([Generation.Id], webSocket.Cancelled);
        Assert.Empty(api.Cancelled);
    }

    [Fact]
    public async Task CancelAsync_OnSse_CancelsOverHttp()
    {
        var (client, _, sse, _, api) = Create();
        sse.OnStart = (_, _, ct) => Generation.Replay(Generation.Log("x"), TransportTier.Sse, cancellationToken: ct);
        await Generation.CollectAsync(client.SendAsync(OllamaAgent, Hello, CancellationToken.None));

        await client.CancelAsync(Generation.Id, CancellationToken.None);

        Assert.Equal([Generation.Id], api.Cancelled);
    }

    [Fact]
    public void SelectAgent_OllamaAgent_ShowsSseAsItsOwnFirstTier()
    {
        var (client, _, _, _, _) = Create();

        client.SelectAgent(OllamaAgent);

        Assert.Equal(TransportTier.Sse, client.Status.Tier);
        Assert.False(client.Status.IsFallback);
        Assert.Equal("Ollama streams natively over HTTP.", client.Status.TransportNote);
    }
}
