namespace Canvas.Tests.Fakes;

/// <summary>What goes wrong in a response body, and after how many written pieces (see <see cref="StreamChunking"/>).</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="AfterChunks">How many pieces are written and flushed before the failure; 0 fails before the first one.</param>
public sealed record StreamFault(StreamFaultKind Kind, int AfterChunks)
{
    /// <summary>
    /// Stops writing and holds the connection open until the client aborts the request or the test calls
    /// <see cref="FakeUpstreamServer.ReleaseStalledResponses"/>, after which the rest of the body follows.
    /// </summary>
    public static StreamFault Stall(int afterChunks) => new(StreamFaultKind.Stall, afterChunks);

    /// <summary>
    /// Resets the TCP connection, as a crashed upstream or a dropped network would. With 0 the client gets no response
    /// at all; otherwise it has the status, the headers and the pieces written, then a reset.
    /// </summary>
    public static StreamFault Cut(int afterChunks) => new(StreamFaultKind.Cut, afterChunks);

    /// <summary>Writes one framed piece that is not JSON (an NDJSON line or an SSE <c>data:</c> event), then the rest of the body.</summary>
    public static StreamFault Garbage(int afterChunks) => new(StreamFaultKind.Garbage, afterChunks);

    /// <summary>Writes the provider's mid-stream error event, then ends the response normally with status 200 kept.</summary>
    public static StreamFault InBandError(int afterChunks) => new(StreamFaultKind.InBandError, afterChunks);
}

/// <summary>The kinds of <see cref="StreamFault"/>.</summary>
public enum StreamFaultKind
{
    /// <summary>See <see cref="StreamFault.Stall"/>.</summary>
    Stall,

    /// <summary>See <see cref="StreamFault.Cut"/>.</summary>
    Cut,

    /// <summary>See <see cref="StreamFault.Garbage"/>.</summary>
    Garbage,

    /// <summary>See <see cref="StreamFault.InBandError"/>.</summary>
    InBandError,
}
