namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// An answer still streaming. The tab that started it announces it in the browser's localStorage, so other tabs on
/// the same conversation learn of it at once through the <c>storage</c> event; a reload or another device finds it
/// as the conversation's <c>activeGenerationId</c>.
/// </summary>
/// <param name="GenerationId">The generation.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="AgentId">The agent answering.</param>
public sealed record InFlightAnswer(string GenerationId, string ConversationId, string AgentId);
