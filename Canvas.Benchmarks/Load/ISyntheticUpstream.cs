namespace Canvas.Benchmarks.Load;

/// <summary>A model endpoint on loopback whose tokens carry their emit stamp.</summary>
internal interface ISyntheticUpstream : IAsyncDisposable
{
    /// <summary>Gets the base address the ChatApi's provider is pointed at.</summary>
    Uri BaseAddress { get; }
}
