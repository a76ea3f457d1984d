using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Backplane;

/// <summary>The events and generations the backplane tests write, one definition for every suite.</summary>
internal static class BackplaneTestEvents
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static MetaEvent Meta(string generationId) => new()
    {
        GenerationId = generationId,
        Seq = 0,
        ConversationId = "c_test",
        AgentId = "agent-1",
        Provider = "ollama",
        Model = "llama3.2",
        Transport = "sse",
    };

    public static DeltaEvent Delta(string generationId, long seq) =>
        new() { GenerationId = generationId, Seq = seq, Text = $"token{seq} " };

    public static DoneEvent Done(string generationId, long seq) => new()
    {
        GenerationId = generationId,
        Seq = seq,
        FinishReason = FinishReasons.Stop,
        Usage = new GenerationUsage(12, seq - 1),
        Timings = new GenerationTimings(180, 2400),
    };

    /// <summary>Creates a generation run by <paramref name="replica"/> and appends its <c>meta</c>; returns its id.</summary>
    public static async Task<string> CreateOwnedGenerationAsync(IGenerationBackplane backplane, ReplicaIdentity replica)
    {
        var record = new GenerationRecord(Ids.NewGenerationId(), Ids.NewConversationId(), "user-1", "agent-1", DateTimeOffset.UtcNow, replica.Id);
        await backplane.CreateAsync(record, CancellationToken.None).WaitAsync(Bound);
        Assert.True(await backplane.AppendAsync(Meta(record.GenerationId), CancellationToken.None).WaitAsync(Bound));
        return record.GenerationId;
    }
}
