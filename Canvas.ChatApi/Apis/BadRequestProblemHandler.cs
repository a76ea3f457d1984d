using System.Text.Json;
using Canvas.ChatApi.Generations;
using Microsoft.AspNetCore.Diagnostics;

namespace Canvas.ChatApi.Apis;

/// <summary>
/// Turns the framework's request-binding failures (malformed JSON, a body over the size limit, a missing body)
/// into problem details with a PROTOCOL error <c>code</c>.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var (code, detail) = badRequest switch
        {
            { StatusCode: StatusCodes.Status413PayloadTooLarge } => (ErrorCodes.RequestTooLarge, "The request body is larger than this endpoint accepts."),
            { StatusCode: StatusCodes.Status415UnsupportedMediaType } => (ErrorCodes.BadRequest, ProblemCodes.UnsupportedMediaType(httpContext.Request)),
            { InnerException: JsonException json } => (ErrorCodes.InvalidJson, $"The body is not valid JSON: {json.Message}"),
            _ => (ErrorCodes.BadRequest, badRequest.Message),
        };
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = badRequest.StatusCode, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
