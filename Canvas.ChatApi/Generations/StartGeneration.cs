using Canvas.ChatApi.Agents;

namespace Canvas.ChatApi.Generations;

/// <summary>A validated request to start an answer.</summary>
/// <param name="UserId">Who asks.</param>
/// <param name="Agent">The agent that answers.</param>
/// <param name="ConversationId">The conversation to continue, or null for a new one.</param>
/// <param name="Message">The user's message.</param>
/// <param name="Tier">The tier the request arrived on, recorded in <c>meta</c>.</param>
public sealed record StartGeneration(string UserId, Agent Agent, string? ConversationId, string Message, string Tier);
