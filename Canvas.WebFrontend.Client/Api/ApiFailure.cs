using System.Net;

namespace Canvas.WebFrontend.Client.Api;

/// <summary>
/// Why a request to the chat server failed, in words that name the fix: the sign-in refused (401), the server not
/// reached (no answer, 502, 503, 504), or anything else it said. Never the framework's own message, which a trimmed
/// WebAssembly app shows as a raw resource key.
/// </summary>
public static class ApiFailure
{
    /// <summary>The words for a 401 from the chat API through the frontend.</summary>
    public const string SignInRefused =
        "The chat server refused the sign-in: the web frontend's signing key (Canvas:Auth:SigningKey) is not one the chat API trusts.";

    /// <summary>The words for a chat server that does not answer.</summary>
    public const string Unreachable = "The chat server cannot be reached: it may be stopped or still starting.";

    /// <summary>Gets whether <paramref name="exception"/> is a failure to reach or use the chat server.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>True for HTTP failures and problem answers.</returns>
    public static bool IsApiFailure(Exception exception) => exception is HttpRequestException or ApiProblemException;

    /// <summary>Describes a failed request in plain words.</summary>
    /// <param name="exception">An <see cref="HttpRequestException"/> or <see cref="ApiProblemException"/>.</param>
    /// <returns>One sentence or two.</returns>
    public static string Describe(Exception exception) => exception switch
    {
        ApiProblemException { Status: 401 } => SignInRefused,
        ApiProblemException { Status: 502 or 503 or 504 } => Unreachable,
        ApiProblemException problem => $"The chat server answered {problem.Status}: {problem.Message}",
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => SignInRefused,
        HttpRequestException { StatusCode: null or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => Unreachable,
        HttpRequestException { StatusCode: { } status } => $"The chat server answered {(int)status}.",
        _ => Unreachable,
    };
}
