using System.Net;
using System.Net.Http.Json;
using System.Text;
using Canvas.AppHost.Tests.Infrastructure;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>
/// An answer on the SSE tier through WebFrontend: <c>POST /api/chat/sse</c> starts it,
/// <c>GET /api/generations/{id}/events?after=n</c> resumes it.
/// </summary>
public sealed class SseChatStream : ChatStream
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseChatStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    /// <summary>Starts an answer; the stream's headers are read, its events not yet.</summary>
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

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async Task<string?> ReceiveJsonAsync(CancellationToken cancellationToken)
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
                return data.ToString();
            }
        }

        return null;
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

            return new SseChatStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }
    }
}
