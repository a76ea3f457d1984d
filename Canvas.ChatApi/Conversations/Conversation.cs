namespace Canvas.ChatApi.Conversations;

/// <summary>A conversation's list entry.</summary>
public sealed record ConversationSummary(
    string Id,
    string AgentId,
    string Title,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A conversation with all its messages, oldest first.</summary>
public sealed record Conversation(
    string Id,
    string AgentId,
    string Title,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ConversationMessage> Messages)
{
    /// <summary>Gets the list entry of this conversation.</summary>
    public ConversationSummary Summary => new(Id, AgentId, Title, CreatedAt, UpdatedAt);
}

/// <summary>
/// One message. An assistant message records the generation that wrote it and how it ended; one that ended
/// in an error or a cancel is kept with the text it had (<see cref="FinishReason"/> says so).
/// </summary>
public sealed record ConversationMessage(
    string Role,
    string Text,
    DateTimeOffset CreatedAt,
    string? AgentId = null,
    string? GenerationId = null,
    string? FinishReason = null)
{
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";
}
