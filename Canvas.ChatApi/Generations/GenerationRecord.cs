namespace Canvas.ChatApi.Generations;

/// <summary>Who owns a generation and where it belongs; stored beside its event log.</summary>
/// <param name="GenerationId">The generation's id.</param>
/// <param name="ConversationId">The conversation it answers in.</param>
/// <param name="UserId">The user it belongs to.</param>
/// <param name="AgentId">The agent answering.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="OwnerReplicaId">
/// The replica running it, whose one replica lease keeps all of its generations alive; null for a generation
/// kept alive by its own heartbeats (<see cref="Backplane.IGenerationBackplane.HeartbeatAsync"/>).
/// </param>
public sealed record GenerationRecord(
    string GenerationId,
    string ConversationId,
    string UserId,
    string AgentId,
    DateTimeOffset CreatedAt,
    string? OwnerReplicaId = null);
