using System.Text.Json;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>
/// Reads spans from the Aspire dashboard's own telemetry HTTP API (<c>GET /api/telemetry/spans</c>, OTLP JSON), the
/// same store the dashboard's Traces page shows: what the services exported over OTLP, with no test exporter between.
/// </summary>
/// <param name="dashboard">The dashboard's address.</param>
public sealed class DashboardTelemetry(Uri dashboard) : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient _http = new() { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Returns every span the dashboard holds (up to its API's limit), newest included.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<DashboardSpan>> SpansAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("/api/telemetry/spans?limit=10000", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return DashboardSpan.FromOtlp(body.RootElement.GetProperty("data")).ToList();
    }

    /// <summary>
    /// Waits until the dashboard holds a span matching <paramref name="match"/>: services export in batches, so a span
    /// arrives a moment after it ends. The wait only guards against a hang; it asserts nothing about time.
    /// </summary>
    /// <param name="match">What the span must satisfy.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The matching span and every span the dashboard held at that moment.</returns>
    public async Task<(DashboardSpan Span, IReadOnlyList<DashboardSpan> All)> WaitForSpanAsync(
        Func<DashboardSpan, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (matching, all) = await WaitForSpansAsync(match, 1, timeout, cancellationToken);
        return (matching[0], all);
    }

    /// <summary>Waits until the dashboard holds at least <paramref name="count"/> spans matching <paramref name="match"/>.</summary>
    /// <param name="match">What the spans must satisfy.</param>
    /// <param name="count">How many are awaited.</param>
    /// <param name="timeout">How long to wait at most; the wait only guards against a hang.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The matching spans and every span the dashboard held at that moment.</returns>
    public async Task<(IReadOnlyList<DashboardSpan> Matching, IReadOnlyList<DashboardSpan> All)> WaitForSpansAsync(
        Func<DashboardSpan, bool> match, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            var spans = await SpansAsync(cts.Token).WaitAsync(timeout, cts.Token);
            var matching = spans.Where(match).ToList();
            if (matching.Count >= count)
            {
                return (matching, spans);
            }

            await Task.Delay(PollInterval, cts.Token);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}

/// <summary>One span as the dashboard exports it.</summary>
/// <param name="TraceId">The trace.</param>
/// <param name="SpanId">The span.</param>
/// <param name="ParentSpanId">Its parent, or empty for a root.</param>
/// <param name="Name">The span name, for example <c>chat websocket</c>.</param>
/// <param name="Service">The exporting resource's <c>service.name</c>, for example <c>chatapi</c>.</param>
/// <param name="Instance">The exporting replica's <c>service.instance.id</c>.</param>
/// <param name="Attributes">The span's attributes, values as strings.</param>
public sealed record DashboardSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, string Service, string Instance,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>Gets an attribute, or null when the span does not carry it.</summary>
    public string? this[string key] => Attributes.GetValueOrDefault(key);

    /// <summary>Flattens OTLP JSON's <c>resourceSpans → scopeSpans → spans</c>.</summary>
    public static IEnumerable<DashboardSpan> FromOtlp(JsonElement data)
    {
        foreach (var resourceSpans in data.GetProperty("resourceSpans").EnumerateArray())
        {
            var resource = AttributesOf(resourceSpans.GetProperty("resource"));
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    yield return new DashboardSpan(
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                        span.GetProperty("name").GetString()!,
                        resource.GetValueOrDefault("service.name", ""),
                        resource.GetValueOrDefault("service.instance.id", ""),
                        AttributesOf(span));
                }
            }
        }
    }

    private static Dictionary<string, string> AttributesOf(JsonElement element)
    {
        var attributes = new Dictionary<string, string>();
        if (!element.TryGetProperty("attributes", out var list))
        {
            return attributes;
        }

        foreach (var attribute in list.EnumerateArray())
        {
            // OTLP JSON wraps each value in its type: {"stringValue": "…"}, {"intValue": "12"}, {"boolValue": true}…
            var value = attribute.GetProperty("value").EnumerateObject().FirstOrDefault();
            attributes[attribute.GetProperty("key").GetString()!] = value.Value.ValueKind == JsonValueKind.String
                ? value.Value.GetString()!
                : value.Value.GetRawText();
        }

        return attributes;
    }
}
