using System.Net.Http.Json;
using System.Text.Json;

namespace Canvas.WebFrontend.Client.Api;

/// <summary>The API answered with an error status; <see cref="Code"/> is Canvas's error code when it sent one.</summary>
public sealed class ApiProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="code">The Canvas error code, if any.</param>
    /// <param name="message">A human message.</param>
    public ApiProblemException(int status, string? code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    /// <summary>Gets the HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Gets the Canvas error code (<c>transport_not_supported</c>, <c>message_empty</c>…), if any.</summary>
    public string? Code { get; }

    /// <summary>Throws when <paramref name="response"/> is not a success, with the problem details it carries.</summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>A task that completes when the response is a success.</returns>
    public static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw await FromResponseAsync(response, cancellationToken);
    }

    /// <summary>Reads the problem details of a failed response.</summary>
    /// <param name="response">The failed response.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The exception describing the failure.</returns>
    public static async Task<ApiProblemException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ApiProblem? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ApiProblem, cancellationToken);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // A proxy's HTML error page, not problem details: the status code alone has to do.
        }

        var status = (int)response.StatusCode;
        var message = problem?.Detail ?? problem?.Title ?? $"The server answered {status} {response.ReasonPhrase}.";
        return new ApiProblemException(status, problem?.Code, message);
    }
}
