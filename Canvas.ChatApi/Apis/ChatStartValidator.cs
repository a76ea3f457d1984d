using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Apis;

/// <summary>Checks a start request the same way on every tier.</summary>
public sealed class ChatStartValidator(AgentCatalog agents, IOptions<ChatLimitsOptions> limits)
{
    private const int MaxIdempotencyKeyLength = 128;
    private const int MaxMessageIdLength = 64;

    /// <summary>Returns why <c>editMessageId</c> cannot be used as given, or null when it can (or is absent).</summary>
    public static ChatRequestError? ValidateEdit(string? editMessageId, string? conversationId) => editMessageId switch
    {
        null => null,
        _ when !editMessageId.StartsWith(Ids.MessagePrefix, StringComparison.Ordinal) || editMessageId.Length > MaxMessageIdLength =>
            new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, $"editMessageId '{Shorten(editMessageId)}' is not a message id (m_…)."),
        _ when conversationId is null =>
            new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "editMessageId needs the conversationId of its conversation."),
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= MaxMessageIdLength ? text : string.Concat(text.AsSpan(0, MaxMessageIdLength), "…");

    /// <summary>Returns the agent to ask, or why the request is refused.</summary>
    public (Agent? Agent, ChatRequestError? Error) Validate(string? agentId, string? message, string? idempotencyKey, string tier)
    {
        if (idempotencyKey is { Length: > MaxIdempotencyKeyLength })
        {
            return (null, new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, $"The idempotency key may have at most {MaxIdempotencyKeyLength} characters."));
        }

        if (string.IsNullOrWhiteSpace(agentId))
        {
            return (null, new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "agentId is required."));
        }

        var agent = agents.Find(agentId);
        if (agent is null)
        {
            return (null, new(StatusCodes.Status400BadRequest, ErrorCodes.UnknownAgent,
                $"There is no agent '{agentId}'. GET /api/agents lists them."));
        }

        if (!agent.Allows(tier))
        {
            return (null, new(StatusCodes.Status400BadRequest, ErrorCodes.TransportNotSupported,
                $"Agent '{agent.Id}' ({agent.Provider}) is not offered over {tier}; use {string.Join(" or ", agent.Transports)}. {agent.TransportNote}"));
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            return (null, new(StatusCodes.Status400BadRequest, ErrorCodes.MessageEmpty, "The message is empty."));
        }

        var max = limits.Value.MaxMessageChars;
        return message.Length > max
            ? (null, new(StatusCodes.Status400BadRequest, ErrorCodes.MessageTooLong, $"The message has {message.Length} characters; the limit is {max}."))
            : (agent, null);
    }
}
