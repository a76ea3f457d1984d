namespace Canvas.ChatApi.Agents;

/// <summary>How to reach one provider, bound from <c>Canvas:Providers:{Ollama|OpenAI|Anthropic}</c>.</summary>
public sealed class ProviderOptions
{
    /// <summary>
    /// Gets or sets the provider's base URL. The default is the public API for OpenAI (with <c>/v1</c>) and
    /// Anthropic (without), and none for Ollama; an Aspire <c>ConnectionStrings:chat-model</c> overrides it for Ollama.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API key. Required for OpenAI and Anthropic; Ollama needs none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the default model of Ollama agents that name none. The default is none.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets how long to wait for the provider's response headers. The default is two minutes.</summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the longest silence allowed inside a provider's stream. The default is one minute.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how many times a request is sent again when the provider answers 429 or 503 (529, Anthropic's
    /// overload, too) before any of the answer, after the wait its <c>retry-after</c> asks for. The default is 2; 0
    /// turns retries off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRetries
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, "Canvas:Providers:{provider}:MaxRetries");
            field = value;
        }
    } = 2;

    /// <summary>
    /// Gets or sets the longest wait before a retry. A provider that asks for a longer one is not retried: the answer
    /// ends at once with the error and the wait it asked for (<c>retryAfterMs</c>). The default is 10 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxRetryDelay
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, "Canvas:Providers:{provider}:MaxRetryDelay");
            field = value;
        }
    } = TimeSpan.FromSeconds(10);
}
