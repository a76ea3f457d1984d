using Canvas.ChatApi.Backplane;
using Microsoft.AspNetCore.Diagnostics;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Answers any request whose storage failed transiently (<see cref="TransientRedis"/>: Redis restarting, a Cluster
/// answering <c>CLUSTERDOWN</c>, a command timing out) as a start that could not be taken is answered: 503
/// <c>server_busy</c>, retryable, with <c>Retry-After</c>, never a 500. A snapshot, a resume or a cancel asked again a
/// moment later finds the generation as it was.
/// </summary>
internal sealed partial class StorageBusyProblemHandler(ILogger<StorageBusyProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientRedis.IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogStorageBusy(httpContext.Request.Method, exception.GetType().Name);
        await ChatRequestError.Busy(ChatRequestError.StorageRetryAfter).ToProblem().ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(1, LogLevel.Warning, "A {Method} request was answered server_busy: its storage failed ({ExceptionType}).")]
    private partial void LogStorageBusy(string method, string exceptionType);
}
