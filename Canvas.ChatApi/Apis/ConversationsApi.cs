using System.Security.Claims;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Canvas.ChatApi.Apis;

/// <summary><c>/api/conversations</c>: the caller's conversations. Another user's conversation is a 404.</summary>
public static class ConversationsApi
{
    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        api.MapGet("/", ListConversations).WithSummary("The caller's conversations, most recent first.");
        api.MapGet("/{conversationId}", GetConversation).WithSummary("One conversation with its messages.");
        api.MapDelete("/{conversationId}", DeleteConversation).WithSummary("Delete a conversation.");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<ConversationSummary>>> ListConversations(
        ClaimsPrincipal user, IConversationStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(user.GetUserId(), cancellationToken));

    public static async Task<Results<Ok<Conversation>, ProblemHttpResult>> GetConversation(
        string conversationId, ClaimsPrincipal user, IConversationStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(user.GetUserId(), conversationId, cancellationToken) is { } conversation
            ? TypedResults.Ok(conversation)
            : ChatRequestError.NotFound("conversation").ToProblem();

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteConversation(
        string conversationId, ClaimsPrincipal user, IConversationStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(user.GetUserId(), conversationId, cancellationToken)
            ? TypedResults.NoContent()
            : ChatRequestError.NotFound("conversation").ToProblem();
}
