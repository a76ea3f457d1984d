using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Canvas.AppHost.Tests.Ollama;

/// <summary>
/// The part of an Ollama server a model pull talks to, on a free loopback port: <c>GET /api/tags</c> lists the models
/// it holds, and <c>POST /api/pull</c> streams the scripted NDJSON progress lines, then holds the model unless a line
/// was an error.
/// </summary>
public sealed class FakeOllamaRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _pulls = new();

    private FakeOllamaRegistry(WebApplication app) => _app = app;

    /// <summary>Gets the server's root address.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets the progress lines the next pull streams, exactly as Ollama writes them.</summary>
    public List<string> PullLines { get; } = [];

    /// <summary>Gets the models pulls asked for, in order.</summary>
    public IReadOnlyCollection<string> Pulls => _pulls;

    /// <summary>Starts an empty server.</summary>
    /// <param name="models">The models it holds from the start, as Ollama lists them (<c>name:tag</c>).</param>
    public static async Task<FakeOllamaRegistry> StartAsync(params string[] models)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var fake = new FakeOllamaRegistry(builder.Build());
        foreach (var model in models)
        {
            fake._models[model] = true;
        }

        fake._app.MapGet("/api/tags", () => Results.Json(new { models = fake._models.Keys.Select(name => new { name, model = name }) }));
        fake._app.MapPost("/api/pull", fake.PullAsync);
        await fake._app.StartAsync();
        fake.Endpoint = new Uri(fake._app.Urls.Single());
        return fake;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task PullAsync(HttpContext context, PullRequest request)
    {
        _pulls.Enqueue(request.Model);
        context.Response.ContentType = "application/x-ndjson";
        foreach (var line in PullLines)
        {
            await context.Response.WriteAsync(line + "\n");
            await context.Response.Body.FlushAsync();
        }

        if (!PullLines.Any(line => line.Contains("\"error\"", StringComparison.Ordinal)))
        {
            _models[request.Model.Contains(':', StringComparison.Ordinal) ? request.Model : request.Model + ":latest"] = true;
        }
    }

    private sealed record PullRequest(string Model, bool Stream);
}
