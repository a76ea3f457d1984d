using System.Diagnostics;
using System.Runtime;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// What the load generator's process spent while the answers ran: CPU, bytes allocated, collections and GC pauses.
/// In process that is the ChatApi, the synthetic upstream and the client together, so it compares runs, not peers.
/// </summary>
internal sealed record ProcessCost(bool ServerGc, double CpuSeconds, long AllocatedBytes, int Gen0, int Gen1, int Gen2, double GcPauseMs)
{
    /// <summary>Reads the counters now; <see cref="Since"/> of a later reading is the cost in between.</summary>
    public static ProcessCost Now() => new(
        GCSettings.IsServerGC,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        GC.GetTotalAllocatedBytes(precise: true),
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalMilliseconds);

    public ProcessCost Since(ProcessCost start) => new(
        ServerGc,
        CpuSeconds - start.CpuSeconds,
        AllocatedBytes - start.AllocatedBytes,
        Gen0 - start.Gen0,
        Gen1 - start.Gen1,
        Gen2 - start.Gen2,
        GcPauseMs - start.GcPauseMs);
}
