namespace Canvas.ChatApi.Generations;

/// <summary>Who owns a generation and where it belongs; stored beside its event log.</summary>
public sealed record GenerationRecord(
    string GenerationId,
    string ConversationId,
    string UserId,
    string AgentId,
    DateTimeOffset CreatedAt);
