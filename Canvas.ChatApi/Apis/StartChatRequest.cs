namespace Canvas.ChatApi.Apis;

/// <summary>The body of <c>POST /api/chat/sse</c> and <c>POST /api/chat</c>.</summary>
/// <param name="AgentId">The agent to ask.</param>
/// <param name="ConversationId">The conversation to continue, or null to start one.</param>
/// <param name="Message">The user's message.</param>
/// <param name="EditMessageId">
/// A user message of the conversation to replace, with everything after it (regenerate, or edit and resend); null to
/// append.
/// </param>
public sealed record StartChatRequest(string? AgentId, string? ConversationId, string? Message, string? EditMessageId = null);

/// <summary>The REST tier's answer, returned whole when the generation is done.</summary>
/// <param name="GenerationId">The generation's id.</param>
/// <param name="ConversationId">Its conversation.</param>
/// <param name="Text">The answer.</param>
/// <param name="FinishReason">How it ended.</param>
/// <param name="Usage">The token counts the provider reported.</param>
/// <param name="Reasoning">The provider's reasoning before the answer, or null when it sent none.</param>
public sealed record ChatRestResponse(
    string GenerationId,
    string ConversationId,
    string Text,
    string FinishReason,
    Generations.GenerationUsage? Usage,
    string? Reasoning = null);

/// <summary>A one-time WebSocket ticket.</summary>
/// <param name="Ticket">The value for <c>?ticket=</c>.</param>
/// <param name="ExpiresAt">When it stops working if unused.</param>
public sealed record WebSocketTicketResponse(string Ticket, DateTimeOffset ExpiresAt);
