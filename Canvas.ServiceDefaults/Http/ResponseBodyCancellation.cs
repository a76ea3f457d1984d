namespace Canvas.ServiceDefaults.Http;

/// <summary>
/// Lets the code that starts a streaming call cancel the reads of its response body. Some SDKs (OllamaSharp) read the
/// body without a token and check theirs only between lines, so a cancel would otherwise wait on a silent stream until
/// the idle timeout; the token passed to <c>SendAsync</c> cannot help, because <see cref="HttpClient"/> disposes it when
/// the headers arrive.
/// </summary>
public static class ResponseBodyCancellation
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    /// <summary>Gets the token bound to the current flow; reads of bodies received in it end when it is cancelled.</summary>
    public static CancellationToken Token => Current.Value;

    /// <summary>Binds <paramref name="cancellationToken"/> to the calls the current flow makes until the scope is disposed.</summary>
    /// <param name="cancellationToken">Cancels the reads of the bodies of streaming responses received in this flow.</param>
    /// <returns>The scope; disposing it restores the previous token.</returns>
    public static IDisposable Bind(CancellationToken cancellationToken)
    {
        var scope = new Scope(Current.Value);
        Current.Value = cancellationToken;
        return scope;
    }

    private sealed class Scope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
