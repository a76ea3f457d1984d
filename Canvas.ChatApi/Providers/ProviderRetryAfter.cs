namespace Canvas.ChatApi.Providers;

/// <summary>
/// Carries the wait a provider asked for (its <c>retry-after</c>) from <see cref="ProviderRetryHandler"/>, which
/// reads it on the response, up to <see cref="RetryAfterChatClient"/>, which puts it on the exception the SDK
/// throws: the Ollama and Anthropic SDKs drop the header from their exceptions.
/// </summary>
internal sealed class ProviderRetryAfter
{
    private const string ExceptionDataKey = "Canvas.RetryAfter";
    private static readonly AsyncLocal<ProviderRetryAfter?> Current = new();

    /// <summary>Gets the last wait the provider asked for in this call, if any.</summary>
    public TimeSpan? Value { get; private set; }

    /// <summary>Starts listening for the wait of the provider calls made from here down.</summary>
    public static ProviderRetryAfter Listen() => Current.Value = new ProviderRetryAfter();

    /// <summary>Records the wait a provider asked for, for the call that is listening.</summary>
    public static void Report(TimeSpan wait)
    {
        if (Current.Value is { } listener)
        {
            listener.Value = wait;
        }
    }

    /// <summary>Gets the wait recorded on an exception by <see cref="Attach"/>.</summary>
    public static TimeSpan? Of(Exception exception) =>
        exception.Data[ExceptionDataKey] is TimeSpan wait ? wait : null;

    /// <summary>Records the wait, if the provider asked for one, on the exception its call failed with.</summary>
    public void Attach(Exception exception)
    {
        if (Value is { } wait)
        {
            exception.Data[ExceptionDataKey] = wait;
        }
    }
}
