using System.Security.Claims;
using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Streaming;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// <c>/api/generations</c>: replay and live tail, status, cancel — on any replica. Another user's generation is a 404.
/// </summary>
public static class GenerationsApi
{
    public static RouteGroupBuilder MapGenerationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/generations").WithTags("Generations").RequireAuthorization();
        api.MapGet("/{generationId}/events", ResumeEvents)
            .WithSummary("Replay after a seq (Last-Event-ID or ?after=), then follow live, as Server-Sent Events.")
            .AddEndpointFilter<OpenStreamLimitFilter>();
        api.MapGet("/{generationId}", GetGeneration).WithSummary("The generation's status, text so far and last seq.");
        api.MapPost("/{generationId}/cancel", CancelGeneration).WithSummary("Stop the generation, wherever it runs.");
        return api;
    }

    public static async Task<Results<GenerationSseResult, ProblemHttpResult>> ResumeEvents(
        string generationId, [FromQuery] string? after, [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        [FromHeader(Name = ChatApi.FallbackHeader)] string? fallbackFrom, ClaimsPrincipal user,
        ChatServices services, CancellationToken cancellationToken)
    {
        var resumePoint = lastEventId ?? after ?? "-1";
        if (!long.TryParse(resumePoint, out var afterSeq) || afterSeq < -1)
        {
            return new ChatRequestError(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest,
                $"The resume point '{resumePoint}' is not a seq (an integer from -1).").ToProblem();
        }

        if (await FindOwnedAsync(services.Backplane, generationId, user, cancellationToken) is not { } record)
        {
            return ChatRequestError.NotFound("generation").ToProblem();
        }

        var scope = services.Telemetry.StartRequest("resume", Tiers.Sse, fallbackFrom);
        scope.SetResumed(record);
        scope.Activity?.SetTag("canvas.resume.after_seq", afterSeq);
        return new GenerationSseResult(
            services.ReadAsync(generationId, afterSeq, cancellationToken), scope, services.Limits);
    }

    public static async Task<Results<Ok<GenerationSnapshot>, ProblemHttpResult>> GetGeneration(
        string generationId, ClaimsPrincipal user, IGenerationBackplane backplane, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(backplane, generationId, user, cancellationToken) is not { } record)
        {
            return ChatRequestError.NotFound("generation").ToProblem();
        }

        var snapshot = GenerationSnapshot.From(record, await backplane.ReadStoredAsync(generationId, cancellationToken));
        // Nobody may be following a generation whose runner died; the snapshot must not say running for an hour.
        if (snapshot.Status == "running" && await backplane.EndIfRunnerLostAsync(generationId, snapshot.LastSeq, cancellationToken))
        {
            snapshot = GenerationSnapshot.From(record, await backplane.ReadStoredAsync(generationId, cancellationToken));
        }

        return TypedResults.Ok(snapshot);
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> CancelGeneration(
        string generationId, ClaimsPrincipal user, IGenerationBackplane backplane, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(backplane, generationId, user, cancellationToken) is null)
        {
            return ChatRequestError.NotFound("generation").ToProblem();
        }

        await backplane.RequestCancelAsync(generationId, cancellationToken);
        return TypedResults.Accepted($"/api/generations/{generationId}");
    }

    internal static async Task<GenerationRecord?> FindOwnedAsync(
        IGenerationBackplane backplane, string generationId, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await backplane.FindAsync(generationId, cancellationToken) is { } record && record.UserId == user.GetUserId()
            ? record
            : null;
}
