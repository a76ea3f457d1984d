using System.Text.Json.Serialization;
using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Conversations;

/// <summary>A conversation's list entry.</summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="AgentId">The agent that answered last.</param>
/// <param name="Title">The title: the first line of the first message, or what the user renamed it to.</param>
/// <param name="CreatedAt">When it was started.</param>
/// <param name="UpdatedAt">When its last message was written; the list is ordered by it.</param>
/// <param name="ActiveGenerationId">The generation still answering its last message; null when it is idle.</param>
public sealed record ConversationSummary(
    string Id,
    string AgentId,
    string Title,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ActiveGenerationId = null);

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
    [JsonIgnore]
    public ConversationSummary Summary => new(Id, AgentId, Title, CreatedAt, UpdatedAt, ActiveGenerationId);

    /// <summary>
    /// Gets the generation answering the last user message while its answer is not stored yet, so another tab or
    /// device can follow it live; null when the conversation is idle.
    /// </summary>
    public string? ActiveGenerationId =>
        Messages.Count > 0 && Messages[^1] is { Role: ConversationMessage.UserRole, GenerationId: { } generationId } ? generationId : null;
}

/// <summary>
/// One message. An assistant message records the generation that wrote it, how it ended and how it was made (tier,
/// provider, model, usage, timings, reasoning); one that ended in an error or a cancel is kept with the text it had
/// (<see cref="FinishReason"/> says so). Messages stored before Canvas recorded these read back with them null.
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

    /// <summary>Gets the message's stable id (<c>m_…</c>); the store assigns one to a message appended without.</summary>
    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }

    /// <summary>Gets the tier that started the answer.</summary>
    public string? Transport { get; init; }

    /// <summary>Gets the provider that answered.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model that answered.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the token counts the provider reported.</summary>
    public GenerationUsage? Usage { get; init; }

    /// <summary>Gets how long the answer took.</summary>
    public GenerationTimings? Timings { get; init; }

    /// <summary>Gets the reasoning ("thinking") the provider streamed before the answer, or null when it sent none.</summary>
    public string? Reasoning { get; init; }
}
