using System.Text;

namespace Canvas.ChatApi.Generations;

/// <summary>A generation as it stands: <c>GET /api/generations/{gid}</c>.</summary>
/// <param name="GenerationId">The generation's id.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="AgentId">The agent answering.</param>
/// <param name="Status"><c>running</c>, <c>done</c>, <c>error</c> or <c>cancelled</c>.</param>
/// <param name="Text">The answer so far.</param>
/// <param name="LastSeq">The <c>seq</c> of the last event so far; resume after it.</param>
/// <param name="FinishReason">How it ended, once it has.</param>
/// <param name="Error">The error that ended it, if one did.</param>
/// <param name="Reasoning">The reasoning so far, or null when the provider sent none.</param>
public sealed record GenerationSnapshot(
    string GenerationId,
    string ConversationId,
    string AgentId,
    string Status,
    string Text,
    long LastSeq,
    string? FinishReason,
    ErrorEvent? Error,
    string? Reasoning = null)
{
    /// <summary>Folds a generation's stored events into its snapshot.</summary>
    public static GenerationSnapshot From(GenerationRecord record, IReadOnlyList<GenerationEvent> events)
    {
        var text = new StringBuilder();
        StringBuilder? reasoning = null;
        var status = "running";
        string? finishReason = null;
        ErrorEvent? error = null;
        foreach (var generationEvent in events)
        {
            switch (generationEvent)
            {
                case DeltaEvent delta:
                    text.Append(delta.Text);
                    break;
                case ReasoningEvent thought:
                    (reasoning ??= new StringBuilder()).Append(thought.Text);
                    break;
                case DoneEvent done:
                    finishReason = done.FinishReason;
                    status = done.FinishReason == FinishReasons.Cancelled ? "cancelled" : "done";
                    break;
                case ErrorEvent failed:
                    error = failed;
                    finishReason = FinishReasons.Error;
                    status = "error";
                    break;
            }
        }

        var lastSeq = events.Count == 0 ? -1 : events[^1].Seq;
        return new(record.GenerationId, record.ConversationId, record.AgentId, status, text.ToString(), lastSeq, finishReason, error,
            reasoning?.ToString());
    }
}
