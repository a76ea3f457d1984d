using System.Globalization;
using System.Net;

namespace Canvas.ChatApi.Providers;

/// <summary>
/// Sends a provider request again when the provider refused it for now (429, 503, or Anthropic's 529 overload),
/// after the wait its <c>retry-after</c> asks for, at most <see cref="MaxRetries"/> times; and tells
/// <see cref="ProviderRetryAfter"/> what the provider asked for, since some SDKs drop the header.
/// </summary>
/// <remarks>
/// Sits on the provider's HttpClient, where the response headers are, and only ever sees responses whose status
/// refused the request, so no part of an answer is ever sent twice. A provider that asks for a longer wait than
/// <see cref="MaxRetryDelay"/> is not retried: the answer fails at once and the client, told the wait, decides.
/// Without a <c>retry-after</c> the waits double from one second.
/// </remarks>
public sealed class ProviderRetryHandler : DelegatingHandler
{
    private const HttpStatusCode AnthropicOverloaded = (HttpStatusCode)529;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    /// <param name="maxRetries">How many times a refused request is sent again; 0 only reports the wait.</param>
    /// <param name="maxRetryDelay">The longest wait before a retry.</param>
    /// <param name="time">The clock the waits run on. The default is the system clock.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or delay is negative.</exception>
    public ProviderRetryHandler(int maxRetries, TimeSpan maxRetryDelay, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetryDelay, TimeSpan.Zero);
        MaxRetries = maxRetries;
        MaxRetryDelay = maxRetryDelay;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets how many times a refused request is sent again.</summary>
    public int MaxRetries { get; }

    /// <summary>Gets the longest wait before a retry.</summary>
    public TimeSpan MaxRetryDelay { get; }

    /// <summary>Whether a status means "not now" rather than "no".</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or AnthropicOverloaded;

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (MaxRetries > 0 && request.Content is { } content)
        {
            // SDK request bodies may be one-shot streams; a retry sends the buffered copy.
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var retry = 0; ; retry++)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!IsRetryable(response.StatusCode))
            {
                return response;
            }

            var askedFor = RetryAfterOf(response);
            if (askedFor is { } asked)
            {
                ProviderRetryAfter.Report(asked);
            }

            if (retry == MaxRetries || askedFor > MaxRetryDelay)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(askedFor ?? Backoff(retry), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int retry) => TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks << Math.Min(retry, 16), MaxRetryDelay.Ticks));

    // OpenAI also sends retry-after-ms, the finer of the two; Retry-After is either seconds or an HTTP date.
    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow() is var untilThen && untilThen > TimeSpan.Zero ? untilThen : TimeSpan.Zero,
            _ => null,
        };
    }
}
