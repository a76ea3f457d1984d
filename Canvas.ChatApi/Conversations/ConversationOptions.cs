namespace Canvas.ChatApi.Conversations;

/// <summary>How long conversations are kept and how many, bound from <c>Canvas:Conversations</c>.</summary>
public sealed class ConversationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Canvas:Conversations";

    /// <summary>
    /// Gets or sets how long a conversation is kept after its last message (or its creation). Redis expires it then;
    /// the in-process store drops it. The default is 30 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets how many conversations the in-process store keeps per user; a new one beyond it drops the least
    /// recently updated. Redis is bounded by <see cref="Retention"/> instead. The default is 500.
    /// </summary>
    public int MaxPerUser { get; set; } = 500;
}
