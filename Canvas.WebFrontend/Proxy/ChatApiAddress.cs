namespace Canvas.WebFrontend.Proxy;

/// <summary>Finds the chat API's base address: the one place the frontend looks for it.</summary>
public static class ChatApiAddress
{
    /// <summary>The service name the AppHost gives the chat API.</summary>
    public const string ServiceName = "chatapi";

    /// <summary>
    /// Reads the address service discovery uses for <c>http://chatapi</c>: <c>services:chatapi:http:0</c>
    /// (env <c>services__chatapi__http__0</c>, which Aspire injects), else <c>services:chatapi:https:0</c>.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The absolute base address, without a trailing slash.</returns>
    /// <exception cref="InvalidOperationException">Neither key holds an absolute http(s) URL.</exception>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Plain HTTP first: inside the AppHost both endpoints point at the same process, and HTTP avoids
        // depending on a trusted development certificate.
        foreach (var scheme in new[] { "http", "https" })
        {
            var value = configuration[$"services:{ServiceName}:{scheme}:0"];
            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
            }
        }

        throw new InvalidOperationException(
            $"The chat API's address is not configured: set services:{ServiceName}:http:0 (env services__{ServiceName}__http__0), " +
            "for example to http://localhost:5180. The AppHost sets it through WithReference(chatapi).");
    }
}
