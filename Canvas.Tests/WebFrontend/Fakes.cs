using System.Runtime.CompilerServices;
using Canvas.WebFrontend.Client.Api;
using Canvas.WebFrontend.Client.Components;
using Canvas.WebFrontend.Client.Session;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

/// <summary>A transport driven by callbacks; records how it was called.</summary>
internal sealed class ScriptedTransport(TransportTier tier, bool deliversEachEvent = true) : IChatTransport
{
    public Func<ChatStart, TransportTier?, CancellationToken, IAsyncEnumerable<ChatEvent>> OnStart { get; set; } =
        (_, _, _) => throw new TransportFailedException(tier, "not scripted");

    public Func<ResumePoint, TransportTier?, CancellationToken, IAsyncEnumerable<ChatEvent>> OnResume { get; set; } =
        (_, _, _) => throw new TransportFailedException(tier, "not scripted");

    public Func<CancellationToken, Task<TierProbeResult>> OnProbe { get; set; } =
        _ => Task.FromResult(new TierProbeResult(tier, false, "down", TimeSpan.Zero));

    public bool CancelsInBand { get; set; }

    public List<TransportTier?> StartFallbackFroms { get; } = [];

    public List<ResumePoint> Resumes { get; } = [];

    public List<string> Cancelled { get; } = [];

    public TransportTier Tier => tier;

    public bool DeliversEachEvent => deliversEachEvent;

    public IAsyncEnumerable<ChatEvent> StartAsync(ChatStart start, TransportTier? fallbackFrom, CancellationToken cancellationToken)
    {
        StartFallbackFroms.Add(fallbackFrom);
        return OnStart(start, fallbackFrom, cancellationToken);
    }

    public IAsyncEnumerable<ChatEvent> ResumeAsync(ResumePoint point, TransportTier? fallbackFrom, CancellationToken cancellationToken)
    {
        Resumes.Add(point);
        return OnResume(point, fallbackFrom, cancellationToken);
    }

    public Task<bool> TryCancelAsync(string generationId, CancellationToken cancellationToken)
    {
        if (CancelsInBand)
        {
            Cancelled.Add(generationId);
        }

        return Task.FromResult(CancelsInBand);
    }

    public Task<TierProbeResult> ProbeAsync(CancellationToken cancellationToken) => OnProbe(cancellationToken);
}

/// <summary>An API with no data, unless a test gives it agents, that records cancels.</summary>
internal sealed class RecordingCanvasApi : ICanvasApi
{
    public Func<CancellationToken, Task<IReadOnlyList<AgentInfo>>> OnGetAgents { get; set; } =
        _ => Task.FromResult<IReadOnlyList<AgentInfo>>([]);

    public List<string> Cancelled { get; } = [];

    public Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken) => OnGetAgents(cancellationToken);

    public Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ConversationPage([], null));

    public Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken) => Task.FromResult<ConversationDetail?>(null);

    public Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken) =>
        Task.FromResult<ConversationSummary?>(null);

    public Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken) => Task.FromResult<GenerationSnapshot?>(null);

    public Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken)
    {
        Cancelled.Add(generationId);
        return Task.CompletedTask;
    }
}

/// <summary>Builds generation event logs like the chat API's.</summary>
internal static class Generation
{
    public const string Id = "g_test";

    /// <summary>The whole log of an answer made of <paramref name="pieces"/>: meta, one delta each, done.</summary>
    public static List<ChatEvent> Log(params string[] pieces)
    {
        var log = new List<ChatEvent> { new() { Type = ChatEvent.Meta, GenerationId = Id, ConversationId = "c_test", Seq = 0 } };
        log.AddRange(pieces.Select((text, i) => new ChatEvent { Type = ChatEvent.Delta, GenerationId = Id, Seq = i + 1, Text = text }));
        log.Add(new ChatEvent { Type = ChatEvent.Done, GenerationId = Id, Seq = pieces.Length + 1, FinishReason = "stop" });
        return log;
    }

    /// <summary>Yields the log's events, then fails as a dropped connection would after <paramref name="dropAfter"/> of them.</summary>
    public static async IAsyncEnumerable<ChatEvent> Replay(
        IEnumerable<ChatEvent> events, TransportTier tier, int? dropAfter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = 0;
        foreach (var chatEvent in events)
        {
            if (sent++ == dropAfter)
            {
                throw new TransportFailedException(tier, "dropped");
            }

            await Task.Yield();
            yield return chatEvent;
        }
    }

    /// <summary>A stream that never sends anything: a buffering proxy, or a stalled socket.</summary>
    public static async IAsyncEnumerable<ChatEvent> Silent([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public static async Task<List<ChatEvent>> CollectAsync(IAsyncEnumerable<ChatEvent> events)
    {
        var list = new List<ChatEvent>();
        await foreach (var chatEvent in events.WithCancellation(CancellationToken.None))
        {
            list.Add(chatEvent);
        }

        return list;
    }

    public static string Text(IEnumerable<ChatEvent> events) =>
        string.Concat(events.Where(e => e.Type == ChatEvent.Delta).Select(e => e.Text));
}

/// <summary>Message buttons that do nothing, for tests about what a message shows.</summary>
internal static class NoActions
{
    public static MessageActionHandlers For(IReadOnlyList<AgentInfo>? agents = null) =>
        new(agents ?? [], _ => false, (_, _) => Task.CompletedTask, (_, _) => Task.CompletedTask, (_, _) => Task.CompletedTask);
}

/// <summary>Browser storage that keeps nothing.</summary>
internal sealed class NoStorage : IBrowserStorage
{
    public ValueTask SetInFlightAsync(InFlightAnswer answer) => ValueTask.CompletedTask;

    public ValueTask RemoveInFlightAsync(string conversationId) => ValueTask.CompletedTask;

    public ValueTask SetPendingDeleteAsync(string conversationId, DateTimeOffset until) => ValueTask.CompletedTask;

    public ValueTask RemovePendingDeleteAsync(string conversationId) => ValueTask.CompletedTask;

    public ValueTask<IReadOnlyDictionary<string, DateTimeOffset>> GetPendingDeletesAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(new Dictionary<string, DateTimeOffset>());

    public ValueTask<IAsyncDisposable> SubscribeAsync(Func<InFlightAnswer, Task> onInFlight, Func<Task> onVisible) =>
        throw new NotSupportedException();
}
