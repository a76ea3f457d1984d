using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;
using Anthropic.Exceptions;
using Canvas.ChatApi.Agents;
using OllamaSharp.Models.Exceptions;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Classifies one failure of every kind <see cref="ProviderFailure"/> reads, for every provider, as the instance
/// starts: the SDKs' exception types are loaded and the classification is compiled while files can still be opened.
/// A process out of file descriptors cannot load an assembly the first time a failure needs it, and that is when
/// failures come.
/// </summary>
/// <param name="logger">The logger.</param>
internal sealed partial class ProviderFailureWarmUp(ILogger<ProviderFailureWarmUp> logger) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var samples = Samples();
            foreach (var (provider, failure) in samples)
            {
                ProviderFailure.ToErrorEvent(failure, provider, "g_warmup", seq: 0);
            }

            LogWarmedUp(samples.Count);
        }
        catch (Exception exception)
        {
            // A warm-up is worth nothing that stops the instance from starting; the classification has its fallback.
            LogWarmUpFailed(exception);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One failure of each kind, as each provider's SDK throws it.</summary>
    public static IReadOnlyList<(string Provider, Exception Failure)> Samples() =>
    [
        (ProviderNames.OpenAI, OpenAIFailure(HttpStatusCode.ServiceUnavailable)),
        (ProviderNames.OpenAI, new ClientResultException("The OpenAI SDK failed before a response.")),
        (ProviderNames.OpenAI, new HttpRequestException("Connection refused")),
        (ProviderNames.Anthropic, new AnthropicRateLimitException(new HttpRequestException("Too many requests")) { StatusCode = HttpStatusCode.TooManyRequests, ResponseBody = """{"type":"error","error":{"type":"rate_limit_error","message":"Warming up."}}""" }),
        (ProviderNames.Anthropic, new AnthropicInvalidDataException("Unreadable event.", new JsonException("Unexpected character."))),
        (ProviderNames.Ollama, new ProviderHttpException(HttpStatusCode.NotFound, "model 'm' not found")),
        (ProviderNames.Ollama, new ProviderHttpException(HttpStatusCode.Unauthorized, null)),
        (ProviderNames.Ollama, new HttpRequestException("Internal Server Error", null, HttpStatusCode.InternalServerError)),
        (ProviderNames.Ollama, new ResponseError("The model failed.")),
        (ProviderNames.Ollama, new IOException("The response ended prematurely.")),
        (ProviderNames.Ollama, new TimeoutException("No data for 30 s.")),
        (ProviderNames.Ollama, new IncompleteStreamException("The stream ended without a finish reason.")),
        (ProviderNames.Ollama, new FormatException("Not a number.")),
    ];

    /// <summary>An OpenAI failure with a real response, read through the SDK's own transport from a canned one.</summary>
    private static ClientResultException OpenAIFailure(HttpStatusCode status)
    {
        using var http = new HttpClient(new CannedResponseHandler(status));
        using var transport = new HttpClientPipelineTransport(http);
        var message = transport.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri("http://warm-up.invalid/v1/chat/completions");
        transport.Process(message);
        return new ClientResultException(message.Response!);
    }

    [LoggerMessage(1, LogLevel.Debug, "Provider failure classification warmed up on {Samples} failures.")]
    private partial void LogWarmedUp(int samples);

    [LoggerMessage(2, LogLevel.Warning, "Warming up the provider failure classification failed; a failure may have to load an SDK's types when it comes.")]
    private partial void LogWarmUpFailed(Exception exception);

    private sealed class CannedResponseHandler(HttpStatusCode status) : HttpMessageHandler
    {
        // The SDK's synchronous Process calls Send.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) => new(status)
        {
            RequestMessage = request,
            Content = new StringContent("""{"error":{"message":"Warming up."}}""", System.Text.Encoding.UTF8, "application/json"),
        };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}
