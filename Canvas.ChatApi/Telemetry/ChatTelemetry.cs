using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Canvas.ChatApi.Telemetry;

/// <summary>
/// Canvas's spans and metrics, named as PROTOCOL.md ("Telemetry") names them. Created once; every request scope
/// records through it.
/// </summary>
public sealed class ChatTelemetry : IDisposable
{
    /// <summary>The activity source and meter name.</summary>
    public const string Name = "Canvas.ChatApi";

    private readonly Meter _meter;

    public ChatTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        Requests = _meter.CreateCounter<long>("canvas.chat.requests", description: "Chat requests by transport, provider and outcome.");
        TimeToFirstToken = _meter.CreateHistogram<double>("canvas.chat.time_to_first_token", unit: "s",
            description: "Time from a chat request to the first token it delivered.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60] });
        ActiveStreams = _meter.CreateUpDownCounter<long>("canvas.chat.active_streams", description: "Streams being delivered to clients.");
        Fallbacks = _meter.CreateCounter<long>("canvas.chat.fallbacks", description: "Requests that arrived on a lower tier after a client fell back.");
    }

    /// <summary>Gets the source of the <c>chat &lt;tier&gt;</c> and <c>resume &lt;tier&gt;</c> spans.</summary>
    public static ActivitySource Source { get; } = new(Name);

    internal Counter<long> Requests { get; }
    internal Histogram<double> TimeToFirstToken { get; }
    internal UpDownCounter<long> ActiveStreams { get; }
    internal Counter<long> Fallbacks { get; }

    /// <summary>Starts the span and metrics of one chat request; dispose it when its stream ends.</summary>
    /// <param name="operation"><c>chat</c> or <c>resume</c>.</param>
    /// <param name="tier">The tier carrying the request.</param>
    /// <param name="fallbackFrom">The tier the client fell back from, if it says so.</param>
    public ChatRequestScope StartRequest(string operation, string tier, string? fallbackFrom) =>
        new(this, operation, tier, fallbackFrom);

    public void Dispose() => _meter.Dispose();
}
