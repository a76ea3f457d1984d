using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Canvas.Tests.Fakes;

/// <summary>
/// A real Kestrel server on a free loopback port that answers chat requests the way one LLM provider does on the wire,
/// so that tests can drive the provider's real SDK against it.
/// </summary>
/// <remarks>
/// Each chat request takes the next <see cref="FakeResponse"/> from a queue that tests fill with <see cref="Enqueue"/>;
/// when the queue is empty the server replays its default recording. Every request is recorded in <see cref="Requests"/>.
/// Instances are safe to use from concurrent requests and tests.
/// </remarks>
public abstract class FakeUpstreamServer : IAsyncDisposable
{
    private static readonly TimeSpan CutGracePeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StallPollInterval = TimeSpan.FromMilliseconds(20);
    private readonly ConcurrentQueue<FakeResponse> _responses = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly TaskCompletionSource _stallRelease = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private int _probeCount;

    /// <summary>The root address of the server, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The provider's fixture folder under <see cref="ProviderFixtures.Root"/>.</summary>
    private protected abstract string FixtureFolder { get; }

    /// <summary>The recording replayed for a streaming request when the queue is empty.</summary>
    private protected abstract string DefaultStreamFixture { get; }

    /// <summary>The recording replayed for a non-streaming request when the queue is empty.</summary>
    private protected abstract string DefaultJsonFixture { get; }

    /// <summary>Whether a request that has no <c>stream</c> field streams, as the provider decides.</summary>
    private protected abstract bool StreamsByDefault { get; }

    /// <summary>The bytes that end one event: <c>\n</c> for NDJSON, <c>\n\n</c> for SSE.</summary>
    private protected abstract byte[] EventTerminator { get; }

    /// <summary>One framed event whose payload is not JSON.</summary>
    private protected abstract byte[] GarbageEvent { get; }

    /// <summary>The event the provider sends when it fails after the stream started.</summary>
    private protected abstract byte[] InBandErrorEvent { get; }

    /// <summary>Queues answers for the next chat requests, in order.</summary>
    /// <param name="responses">The answers; each is used once.</param>
    public void Enqueue(params FakeResponse[] responses)
    {
        foreach (var response in responses)
        {
            _responses.Enqueue(response);
        }
    }

    /// <summary>
    /// Lets every response held by <see cref="StreamFault.Stall"/> go on with the rest of its body, and every later one
    /// pass its stall at once; a release that comes before the stall is reached cannot be lost.
    /// </summary>
    public void ReleaseStalledResponses() => _stallRelease.TrySetResult();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stallRelease.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Maps the provider's endpoints; chat endpoints call <see cref="AnswerChatAsync"/>.</summary>
    private protected abstract void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>The status, body and content type the provider answers an HTTP-level failure with.</summary>
    /// <param name="error">The failure.</param>
    /// <param name="model">The model the request asked for, if any.</param>
    private protected abstract UpstreamReply ErrorReply(UpstreamError error, string? model);

    /// <summary>The content type the provider serves a recording of this kind with.</summary>
    private protected abstract string ContentTypeOf(string fixtureFile);

    /// <summary>Starts Kestrel on a free port of 127.0.0.1 and sets <see cref="BaseAddress"/>.</summary>
    private protected async Task ListenAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // A response held by a stall whose client is still connected must not hold up disposal for the default 30 s.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        _app = builder.Build();
        MapRoutes(_app);
        await _app.StartAsync(cancellationToken);
        BaseAddress = new Uri(_app.Urls.Single().TrimEnd('/') + "/");
    }

    /// <summary>Records a chat request and answers it with the next queued <see cref="FakeResponse"/>.</summary>
    private protected async Task AnswerChatAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        var script = _responses.TryDequeue(out var queued) ? queued : FakeResponse.Default;
        var reply = Resolve(script, request);

        // The registration marks an abort at once; the marks below are for when the handler sees the abort before the
        // registration's turn comes (callbacks run one after another, and its disposal then unregisters it).
        var abortRegistration = context.RequestAborted.Register(request.MarkAborted);
        try
        {
            await WriteAsync(context, script, reply, abortRegistration);
            if (!context.RequestAborted.IsCancellationRequested)
            {
                request.MarkAnswered();
            }
            else if (script.Fault?.Kind is not StreamFaultKind.Cut)
            {
                request.MarkAborted();
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody left to answer.
            request.MarkAborted();
        }
        finally
        {
            await abortRegistration.DisposeAsync();
        }
    }

    /// <summary>Gets how many health checks (model lists) the server answered; they are not in <see cref="Requests"/>.</summary>
    public int ProbeCount => Volatile.Read(ref _probeCount);

    /// <summary>
    /// Answers a model-list request, which the ChatApi's background reachability check sends: counted in
    /// <see cref="ProbeCount"/> and left out of <see cref="Requests"/>, so tests that inspect chat requests never see it.
    /// </summary>
    private protected async Task AnswerProbeAsync(HttpContext context, int status, byte[] body, string contentType)
    {
        Interlocked.Increment(ref _probeCount);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Records any request and answers it with a recording, for endpoints that tests do not script.</summary>
    private protected async Task AnswerWithFixtureAsync(HttpContext context, string fixtureFile)
    {
        await RecordAsync(context);
        var body = ProviderFixtures.ReadBytes(FixtureFolder, fixtureFile);
        context.Response.ContentType = ContentTypeOf(fixtureFile);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(
            header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", headers, body);
        lock (_requests)
        {
            _requests.Add(request);
        }

        return request;
    }

    private UpstreamReply Resolve(FakeResponse script, RecordedRequest request)
    {
        if (script.Error is { } error)
        {
            return ErrorReply(error, StringProperty(request.Json, "model"));
        }

        if (script.Body is { } body)
        {
            return new UpstreamReply(StatusCodes.Status200OK, body, script.ContentType!, IsStream: true);
        }

        var fixtureFile = script.FixtureFile ?? (AsksToStream(request.Json) ? DefaultStreamFixture : DefaultJsonFixture);
        return new UpstreamReply(
            StatusCodes.Status200OK,
            ProviderFixtures.ReadBytes(FixtureFolder, fixtureFile),
            ContentTypeOf(fixtureFile),
            IsStream: !fixtureFile.EndsWith(".json", StringComparison.Ordinal));
    }

    private async Task WriteAsync(
        HttpContext context, FakeResponse script, UpstreamReply reply, CancellationTokenRegistration abortRegistration)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        response.StatusCode = reply.StatusCode;
        response.ContentType = script.ContentType ?? reply.ContentType;
        foreach (var (name, value) in script.Headers)
        {
            response.Headers[name] = value;
        }

        // Real providers frame whole JSON answers with Content-Length and streams with chunked encoding; a fault
        // changes the length, so a faulted answer is always chunked.
        if (!reply.IsStream && script.Fault is null)
        {
            response.ContentLength = reply.Body.Length;
        }

        var pieces = script.Chunking.Split(reply.Body, EventTerminator);
        for (var written = 0; written <= pieces.Count; written++)
        {
            if (script.Fault is { } fault && fault.AfterChunks == written)
            {
                switch (fault.Kind)
                {
                    case StreamFaultKind.Stall:
                        // Flushing sends the status and headers even when the stall comes before the first piece.
                        await response.Body.FlushAsync(aborted);
                        if (!await StallAsync(context))
                        {
                            return;
                        }

                        break;
                    case StreamFaultKind.Cut:
                        // Aborting fires RequestAborted too; that is the server's doing, not the client's.
                        await abortRegistration.DisposeAsync();
                        // Abort resets the connection, and a reset makes the client's TCP stack drop what the client
                        // has not read yet. The pause lets the pieces already written reach the client first.
                        await Task.Delay(CutGracePeriod, CancellationToken.None);
                        context.Abort();
                        return;
                    case StreamFaultKind.Garbage:
                        await WritePieceAsync(response, GarbageEvent, aborted);
                        break;
                    case StreamFaultKind.InBandError:
                        await WritePieceAsync(response, InBandErrorEvent, aborted);
                        return;
                }
            }

            if (written == pieces.Count)
            {
                break;
            }

            if (script.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(script.ChunkDelay, aborted);
            }

            await WritePieceAsync(response, pieces[written], aborted);
        }
    }

    /// <summary>Waits for <see cref="ReleaseStalledResponses"/>; false when the client went away first.</summary>
    private async Task<bool> StallAsync(HttpContext context)
    {
        // Kestrel notices a client that closes an HTTP/1.1 connection only when it next reads or writes, and a
        // stalled response does neither, so the stall watches the socket for the client's FIN itself.
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        var connectionClosed = context.Features.Get<IConnectionLifetimeFeature>()?.ConnectionClosed ?? CancellationToken.None;
        using var poll = new PeriodicTimer(StallPollInterval);
        while (!_stallRelease.Task.IsCompleted)
        {
            if (context.RequestAborted.IsCancellationRequested || connectionClosed.IsCancellationRequested
                || socket is not null && ClientClosed(socket))
            {
                context.Abort();
                return false;
            }

            await Task.WhenAny(_stallRelease.Task, poll.WaitForNextTickAsync().AsTask());
        }

        return true;
    }

    private static bool ClientClosed(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            return true;
        }
    }

    private static async Task WritePieceAsync(HttpResponse response, ReadOnlyMemory<byte> piece, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(piece, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private bool AsksToStream(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("stream", out var stream)
            ? stream.ValueKind == JsonValueKind.True
            : StreamsByDefault;

    private static string? StringProperty(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>What a fake upstream writes: status, body and content type.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The body bytes, before any fault is injected.</param>
/// <param name="ContentType">The <c>Content-Type</c> header value.</param>
/// <param name="IsStream">Whether the body is an event stream, which is sent chunked rather than with a length.</param>
internal sealed record UpstreamReply(int StatusCode, byte[] Body, string ContentType, bool IsStream);
