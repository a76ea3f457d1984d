namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// An answer still streaming, as kept in the browser's localStorage: a reload resumes it, and other tabs on the
/// same conversation learn of it through the <c>storage</c> event and follow it live.
/// </summary>
/// <param name="GenerationId">The generation.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="AgentId">The agent answering.</param>
/// <param name="LastSeq">The last <c>seq</c> this tab had shown when it wrote the entry.</param>
public sealed record InFlightAnswer(string GenerationId, string ConversationId, string AgentId, long LastSeq);
