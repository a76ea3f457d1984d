using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using System.Reflection;

namespace Canvas.ChatApi.Streaming;

/// <summary>
/// Streams a generation's events as Server-Sent Events, with a keep-alive comment whenever the stream has been
/// quiet for the keep-alive interval. Shaped like the framework's <c>ServerSentEventsResult</c>, which cannot write
/// comments.
/// </summary>
/// <remarks>
/// Proxies must pass each frame on at once: the response is never compressed or buffered, and says so to
/// proxies with <c>Cache-Control: no-cache</c> and <c>X-Accel-Buffering: no</c> (ARCHITECTURE.md, "Known pitfalls").
/// The request scope is disposed when the stream ends, which ends the <c>chat sse</c> span.
/// </remarks>
public sealed class GenerationSseResult : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private readonly IAsyncEnumerable<GenerationEvent> _events;
    private readonly ChatRequestScope _scope;
    private readonly TimeSpan _keepAlive;

    internal GenerationSseResult(IAsyncEnumerable<GenerationEvent> events, ChatRequestScope scope, TimeSpan keepAlive)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(scope);
        _events = events;
        _scope = scope;
        _keepAlive = keepAlive;
    }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "text/event-stream";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using var scope = _scope;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await response.StartAsync(cancellationToken);

        var frames = new SseFrameWriter(response.BodyWriter);
        await using var events = _events.GetAsyncEnumerator(cancellationToken);
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keepAlive = Task.Delay(_keepAlive, quiet.Token);
        var next = events.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, keepAlive) == keepAlive)
                {
                    frames.WriteKeepAlive();
                    await response.BodyWriter.FlushAsync(cancellationToken);
                    keepAlive = Task.Delay(_keepAlive, quiet.Token);
                    continue;
                }

                if (!await next)
                {
                    break;
                }

                frames.Write(events.Current);
                await response.BodyWriter.FlushAsync(cancellationToken);
                _scope.OnDelivered(events.Current);
                next = events.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the generation goes on and can be resumed.
        }
        finally
        {
            await quiet.CancelAsync();
            await keepAlive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(GenerationEvent), ["text/event-stream"]));
}
