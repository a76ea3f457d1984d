namespace Canvas.WebFrontend.Client.Api;

/// <summary>The chat API's plain request/response endpoints, as the client uses them.</summary>
public interface ICanvasApi
{
    /// <summary>Lists the agents.</summary>
    Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken);

    /// <summary>Lists a page of the user's conversations, most recently updated first.</summary>
    Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken);

    /// <summary>Gets one conversation with its messages; null when it does not exist (any more).</summary>
    Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Renames a conversation; returns it as the API stored it.</summary>
    Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken);

    /// <summary>Deletes a conversation.</summary>
    Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Gets a generation's status snapshot; null when it is unknown or has expired.</summary>
    Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken);

    /// <summary>Asks the server to cancel a generation.</summary>
    Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken);
}
