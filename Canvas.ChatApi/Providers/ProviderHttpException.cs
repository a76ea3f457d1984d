using System.Net;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// A provider's HTTP failure with the provider's own error message, for SDKs that drop the body (OllamaSharp throws a
/// bare <see cref="HttpRequestException"/> with the status only). The provider's <c>retry-after</c> does not travel
/// here: <see cref="ProviderRetryHandler"/> reads it for every provider and <see cref="ProviderRetryAfter"/> carries it.
/// </summary>
public sealed class ProviderHttpException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The provider's status.</param>
    /// <param name="providerMessage">The provider's error message, or null when its body had none.</param>
    public ProviderHttpException(HttpStatusCode statusCode, string? providerMessage)
        : base(providerMessage ?? $"The provider answered {(int)statusCode}.", null, statusCode)
    {
        ProviderMessage = providerMessage;
    }

    /// <summary>Gets the provider's own error message, or null when its body had none.</summary>
    public string? ProviderMessage { get; }
}
