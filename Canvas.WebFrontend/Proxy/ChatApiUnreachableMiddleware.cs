using Yarp.ReverseProxy.Forwarder;

namespace Canvas.WebFrontend.Proxy;

/// <summary>
/// Turns YARP's bare 502 for a chat API that cannot be reached (refused, reset, timed out before answering) into
/// problem details with the code <c>chatapi_unreachable</c>, so the browser can tell "not reached" from "refused the
/// sign-in" (a 401 from the chat API, which passes through untouched).
/// </summary>
internal sealed partial class ChatApiUnreachableMiddleware(RequestDelegate next, IProblemDetailsService problems, ILogger<ChatApiUnreachableMiddleware> logger)
{
    /// <summary>The error code of the problem.</summary>
    public const string Code = "chatapi_unreachable";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Features.Get<IForwarderErrorFeature>() is not { } failure || context.Response.HasStarted
            || failure.Error is not (ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.UpgradeRequestDestination))
        {
            return;
        }

        LogUnreachable(logger, failure.Error, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status502BadGateway,
                Title = "The chat server cannot be reached",
                Detail = "The web frontend could not reach the chat API: it may be stopped or still starting.",
                Extensions = { ["code"] = Code },
            },
        });
    }

    [LoggerMessage(1, LogLevel.Warning, "The chat API could not be reached ({Error}) for {Path}.")]
    private static partial void LogUnreachable(ILogger logger, ForwarderError error, PathString path);
}
