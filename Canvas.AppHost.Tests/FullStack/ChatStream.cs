using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Canvas.AppHost.Tests.Infrastructure;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>One event of a chat stream (PROTOCOL.md "Events"): its sequence number, its type and a delta's text.</summary>
/// <param name="Seq">The event's <c>seq</c>.</param>
/// <param name="Type">The event's <c>type</c>: <c>meta</c>, <c>delta</c>, <c>done</c> or <c>error</c>.</param>
/// <param name="GenerationId">The generation the event belongs to.</param>
/// <param name="Text">A delta's text; null for other events.</param>
/// <param name="Json">The event as it came, for a failure's message.</param>
public sealed record ChatStreamEvent(long Seq, string Type, string GenerationId, string? Text, string Json);

/// <summary>
/// One answer on the SSE tier through WebFrontend, as the chat page uses it from a tab: <c>POST /api/chat/sse</c>
/// starts it, <c>GET /api/generations/{id}/events?after=n</c> resumes it; its events are read one by one as they
/// arrive, and disposing the stream before its end cuts the connection, as a closed tab or a lost network would.
/// </summary>
public sealed class ChatStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly List<ChatStreamEvent> _events = [];

    private ChatStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    /// <summary>Gets the events read so far, in the order they came.</summary>
    public IReadOnlyList<ChatStreamEvent> Events => _events;

    /// <summary>Starts an answer over SSE; the stream's headers are read, its events not yet.</summary>
    /// <param name="tab">The tab whose cookie signs the request in.</param>
    /// <param name="agentId">The agent to ask.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static Task<ChatStream> StartAsync(BrowserSession tab, string agentId, CancellationToken cancellationToken) =>
        OpenAsync(tab, new HttpRequestMessage(HttpMethod.Post, "/api/chat/sse")
        {
            Content = JsonContent.Create(new { agentId, conversationId = (string?)null, message = "Hello" }),
        }, cancellationToken);

    /// <summary>Resumes an answer after <paramref name="afterSeq"/>, the last <c>seq</c> the client has.</summary>
    /// <param name="tab">The tab whose cookie signs the request in.</param>
    /// <param name="generationId">The answer to resume.</param>
    /// <param name="afterSeq">The last <c>seq</c> the client has.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static Task<ChatStream> ResumeAsync(BrowserSession tab, string generationId, long afterSeq, CancellationToken cancellationToken) =>
        OpenAsync(tab, new HttpRequestMessage(HttpMethod.Get, $"/api/generations/{generationId}/events?after={afterSeq}"), cancellationToken);

    /// <summary>Reads the next event; fails when the server ended the stream first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ChatStreamEvent> ReadNextAsync(CancellationToken cancellationToken) =>
        await TryReadNextAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The stream ended after {_events.Count} events.");

    /// <summary>Reads every event until the server ends the stream.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task ReadToEndAsync(CancellationToken cancellationToken)
    {
        while (await TryReadNextAsync(cancellationToken) is not null)
        {
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<ChatStream> OpenAsync(BrowserSession tab, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var response = await tab.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Dispose();
                Assert.Fail($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {problem}");
            }

            return new ChatStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }
    }

    private async Task<ChatStreamEvent?> TryReadNextAsync(CancellationToken cancellationToken)
    {
        // Every event is one `data:` line and a blank line (PROTOCOL.md "SSE framing"); its `id:` and `event:` lines
        // repeat what the JSON says, and keep-alive comments say nothing.
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan("data:".Length).TrimStart(' '));
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                var chatEvent = Parse(data.ToString());
                _events.Add(chatEvent);
                return chatEvent;
            }
        }

        return null;
    }

    private static ChatStreamEvent Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ChatStreamEvent(
            root.GetProperty("seq").GetInt64(),
            root.GetProperty("type").GetString()!,
            root.GetProperty("generationId").GetString()!,
            root.TryGetProperty("text", out var text) ? text.GetString() : null,
            json);
    }
}
