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
    [System.Text.Json.Serialization.JsonIgnore]
    public ConversationSummary Summary => new(Id, AgentId, Title, CreatedAt, UpdatedAt);

    /// <summary>
    /// Gets the generation answering the last user message while its answer is not stored yet, so another tab or
    /// device can follow it live; null when the conversation is idle.
    /// </summary>
    public string? ActiveGenerationId =>
        Messages.Count > 0 && Messages[^1] is { Role: ConversationMessage.UserRole, GenerationId: { } generationId } ? generationId : null;
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
