using System.Security.Cryptography;
using System.Text;
using Canvas.ChatApi.Agents;

namespace Canvas.ChatApi.Generations;

/// <summary>A validated request to start an answer.</summary>
/// <param name="UserId">Who asks.</param>
/// <param name="Agent">The agent that answers.</param>
/// <param name="ConversationId">The conversation to continue, or null for a new one.</param>
/// <param name="Message">The user's message.</param>
/// <param name="Tier">The tier the request arrived on, recorded in <c>meta</c>.</param>
/// <param name="IdempotencyKey">The client's key for this answer; a retry with the same key continues the same answer.</param>
/// <param name="EditMessageId">The user message this one replaces, with everything after it; null to append.</param>
public sealed record StartGeneration(
    string UserId, Agent Agent, string? ConversationId, string Message, string Tier, string? IdempotencyKey = null, string? EditMessageId = null)
{
    /// <summary>
    /// Gets what identifies a retry of this start: the idempotency key together with what was asked, so a key reused
    /// for another question starts a new answer. Null without a key.
    /// </summary>
    public string? RetryKey => IdempotencyKey is null
        ? null
        : Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{IdempotencyKey}\n{Agent.Id}\n{ConversationId}\n{EditMessageId}\n{Message}")));
}
