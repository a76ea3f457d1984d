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
/// <param name="RequestId">The client's id for this start; a retry with the same id continues the same answer.</param>
public sealed record StartGeneration(string UserId, Agent Agent, string? ConversationId, string Message, string Tier, string? RequestId = null)
{
    /// <summary>
    /// Gets what identifies a retry of this start: the request id together with what was asked, so a client that
    /// reuses ids (a counter restarting with a new socket) never joins an unrelated answer. Null without a request id.
    /// </summary>
    public string? RetryKey => RequestId is null
        ? null
        : Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{RequestId}\n{Agent.Id}\n{ConversationId}\n{Message}")));
}
