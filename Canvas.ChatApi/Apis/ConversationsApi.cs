using System.Security.Claims;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Canvas.ChatApi.Apis;

/// <summary><c>/api/conversations</c>: the caller's conversations. Another user's conversation is a 404.</summary>
public static class ConversationsApi
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;
    private const int MaxTitleLength = 200;

    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        api.MapGet("/", ListConversations)
            .WithSummary("The caller's conversations, most recently updated first; ?limit=, ?before= (from the Link header), ?q= (title).");
        api.MapGet("/{conversationId}", GetConversation).WithSummary("One conversation with its messages.");
        api.MapPatch("/{conversationId}", RenameConversation).WithSummary("Rename a conversation.");
        api.MapDelete("/{conversationId}", DeleteConversation).WithSummary("Delete a conversation.");
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<ConversationSummary>>, ProblemHttpResult>> ListConversations(
        [FromQuery] int? limit, [FromQuery] string? before, [FromQuery] string? q, HttpContext context, ClaimsPrincipal user,
        IConversationStore store, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return BadRequest($"limit must be between 1 and {MaxPageSize}.");
        }

        var cursor = before is null ? null : ConversationCursor.TryDecode(before);
        if (before is not null && cursor is null)
        {
            return BadRequest("before is not a cursor this server issued; take it from the Link header.");
        }

        var pageSize = limit ?? DefaultPageSize;
        var search = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var page = await store.ListAsync(user.GetUserId(), new ConversationQuery(pageSize, cursor, search), cancellationToken);
        if (page.Next is { } next)
        {
            // RFC 8288: the next page, as a link relative to this one.
            var query = QueryString.Create([new("limit", $"{pageSize}"), new("before", next.Encode()), .. search is null ? [] : new KeyValuePair<string, string?>[] { new("q", search) }]);
            context.Response.Headers.Link = $"<{context.Request.PathBase}{context.Request.Path}{query}>; rel=\"next\"";
        }

        return TypedResults.Ok(page.Items);
    }

    public static async Task<Results<Ok<Conversation>, ProblemHttpResult>> GetConversation(
        string conversationId, ClaimsPrincipal user, IConversationStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(user.GetUserId(), conversationId, cancellationToken) is { } conversation
            ? TypedResults.Ok(conversation)
            : ChatRequestError.NotFound("conversation").ToProblem();

    public static async Task<Results<Ok<ConversationSummary>, ProblemHttpResult>> RenameConversation(
        string conversationId, RenameConversationRequest request, ClaimsPrincipal user, IConversationStore store,
        CancellationToken cancellationToken)
    {
        var title = request.Title?.Trim();
        if (title is not { Length: > 0 and <= MaxTitleLength })
        {
            return new ChatRequestError(StatusCodes.Status400BadRequest, ErrorCodes.TitleInvalid,
                $"The title must have 1 to {MaxTitleLength} characters once trimmed; it has {title?.Length ?? 0}.").ToProblem();
        }

        return await store.RenameAsync(user.GetUserId(), conversationId, title, cancellationToken) is { } renamed
            ? TypedResults.Ok(renamed)
            : ChatRequestError.NotFound("conversation").ToProblem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteConversation(
        string conversationId, ClaimsPrincipal user, IConversationStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(user.GetUserId(), conversationId, cancellationToken)
            ? TypedResults.NoContent()
            : ChatRequestError.NotFound("conversation").ToProblem();

    private static ProblemHttpResult BadRequest(string message) =>
        new ChatRequestError(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, message).ToProblem();
}

/// <summary>The body of <c>PATCH /api/conversations/{cid}</c>.</summary>
/// <param name="Title">The new title; trimmed, 1 to 200 characters.</param>
public sealed record RenameConversationRequest(string? Title);
