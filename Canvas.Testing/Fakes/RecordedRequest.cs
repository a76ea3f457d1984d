using System.Text.Json;

namespace Canvas.Tests.Fakes;

/// <summary>
/// A request as a fake upstream received it, kept so that tests can assert what a provider SDK sent.
/// </summary>
public sealed class RecordedRequest
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal RecordedRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        Json = TryParse(body);
    }

    /// <summary>The HTTP method, for example <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>The request path, for example <c>/v1/messages</c>.</summary>
    public string Path { get; }

    /// <summary>All request headers, keyed case-insensitively; repeated headers are joined with a comma.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The request body as UTF-8 text.</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON, or an <see cref="JsonValueKind.Undefined"/> element when it is not JSON.</summary>
    public JsonElement Json { get; }

    /// <summary>
    /// Completes when the client gave up on the request (closed or reset the connection) while the fake was still
    /// answering it. It never completes for a request that was answered in full.
    /// </summary>
    public Task Aborted => _aborted.Task;

    /// <summary>Completes when the fake has written its whole answer (whether or not the client read it all).</summary>
    public Task Answered => _answered.Task;

    /// <summary>Returns the value of a header, or <see langword="null"/> when the request did not carry it.</summary>
    /// <param name="name">The header name, in any case.</param>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    internal void MarkAborted() => _aborted.TrySetResult();

    internal void MarkAnswered() => _answered.TrySetResult();

    private static JsonElement TryParse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
