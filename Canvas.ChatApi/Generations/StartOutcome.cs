namespace Canvas.ChatApi.Generations;

/// <summary>What starting a generation gave: its <c>meta</c>, or the reason it did not start.</summary>
/// <param name="Meta">The generation's first event, when it started.</param>
/// <param name="ConversationMissing">True when the conversation is missing or not the user's.</param>
/// <param name="EditRefused">Why the conversation could not be cut at the start's <c>editMessageId</c>, when it could not.</param>
/// <param name="BusyRetryAfter">When the server could not take the start now (too many at once, storage not answering in time): when to try again.</param>
public sealed record StartOutcome(MetaEvent? Meta, bool ConversationMissing, EditRefusal? EditRefused = null, TimeSpan? BusyRetryAfter = null)
{
    public static StartOutcome Started(MetaEvent meta) => new(meta, false);
    public static StartOutcome Refused(EditRefusal refusal) => new(null, false, refusal);
    public static StartOutcome Busy(TimeSpan retryAfter) => new(null, false, BusyRetryAfter: retryAfter);
    public static readonly StartOutcome NoSuchConversation = new(null, true);
}
