using System.Net;
using System.Net.Http.Headers;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// A provider's HTTP failure with the provider's own error message, for SDKs that drop the body (OllamaSharp throws a
/// bare <see cref="HttpRequestException"/> with the status only).
/// </summary>
public sealed class ProviderHttpException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The provider's status.</param>
    /// <param name="providerMessage">The provider's error message, or null when its body had none.</param>
    /// <param name="retryAfter">The provider's <c>Retry-After</c>, when it sent one.</param>
    public ProviderHttpException(HttpStatusCode statusCode, string? providerMessage, RetryConditionHeaderValue? retryAfter)
        : base(providerMessage ?? $"The provider answered {(int)statusCode}.", null, statusCode)
    {
        ProviderMessage = providerMessage;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the provider's own error message, or null when its body had none.</summary>
    public string? ProviderMessage { get; }

    /// <summary>Gets the provider's <c>Retry-After</c>, when it sent one.</summary>
    public RetryConditionHeaderValue? RetryAfter { get; }
}
