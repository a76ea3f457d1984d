using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Canvas.Tests.Chaos;

/// <summary>Percentiles of one latency, in milliseconds.</summary>
public sealed record Latency(int Count, double? P50, double? P95, double? P99, double? Max)
{
    /// <summary>Nearest-rank percentiles of the samples.</summary>
    public static Latency Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        double? At(double p) => sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 1);
        return new Latency(sorted.Length, At(0.50), At(0.95), At(0.99), sorted.Length == 0 ? null : Math.Round(sorted[^1], 1));
    }

    public override string ToString() => Count == 0 ? "no samples" : $"p50 {P50:0} ms, p95 {P95:0} ms, p99 {P99:0} ms, max {Max:0} ms (n={Count})";
}

/// <summary>What a chaos run found: the counts the guarantees are about, the latencies, and every unacceptable outcome.</summary>
public sealed record ChaosReport(ChaosSettings Settings, TimeSpan Elapsed, IReadOnlyList<DisruptionResult> Results)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int ExactlyOnce => Count(ChaosOutcome.ExactlyOnce);
    public int WithLoss => Count(ChaosOutcome.Loss);
    public int WithDuplicates => Count(ChaosOutcome.Duplicate);
    public int TypedErrors => Count(ChaosOutcome.TypedError);
    public int Hung => Count(ChaosOutcome.Hung);

    /// <summary>Gets the typed errors the run's own faults explain (a killed runner, a Redis restart or pause).</summary>
    public int ExpectedTypedErrors => Results.Count(result => result.Outcome == ChaosOutcome.TypedError && result.ExpectedError);

    /// <summary>Gets the expected typed errors with no killed runner: a Redis fault (or its settling) is their only explanation.</summary>
    public int TypedErrorsOfRedisFaultsOnly => Results.Count(result => result.Outcome == ChaosOutcome.TypedError && result.ExpectedError && !result.RunnerKilled);

    /// <summary>Gets the typed errors nothing the run did explains.</summary>
    public int UnexpectedTypedErrors => TypedErrors - ExpectedTypedErrors;

    /// <summary>Gets the stopped answers whose upstream call was still running after the bound.</summary>
    public int OrphanedUpstreamCalls => Results.Count(result => result.UpstreamOrphaned);

    /// <summary>Gets the answers whose snapshot still said running after their client had generation_lost.</summary>
    public int SnapshotsStillRunning => Results.Count(result => result.SnapshotStillRunning);

    /// <summary>Gets how many disruptions landed mid-answer (the rest found the answer ended already).</summary>
    public int FaultsLanded => Results.Count(result => result.FaultLanded);

    // A client's own cuts, on a healthy server, apart from resumes that waited out a killed instance or a Redis fault.
    private static readonly DisruptionKind[] ClientSideKinds = [DisruptionKind.ClientCut, DisruptionKind.TierWalk];

    /// <summary>Gets reconnect → first replayed event after the client cut its own connection, on the instance it left.</summary>
    public Latency ReconnectSameInstance => Reconnects(sameInstance: true, ClientSideKinds, sample => sample.FromRequestMs);

    /// <summary>Gets reconnect → first replayed event after the client cut its own connection, on another instance.</summary>
    public Latency ReconnectOtherInstance => Reconnects(sameInstance: false, ClientSideKinds, sample => sample.FromRequestMs);

    /// <summary>Gets lost connection → first event again, over every resume of the run (faults included), on the same instance.</summary>
    public Latency ReconnectSameInstanceAnyCause => Reconnects(sameInstance: true, Enum.GetValues<DisruptionKind>(), sample => sample.FromLossMs);

    /// <summary>Gets lost connection → first event again, over every resume of the run (faults included), on another instance.</summary>
    public Latency ReconnectOtherInstanceAnyCause => Reconnects(sameInstance: false, Enum.GetValues<DisruptionKind>(), sample => sample.FromLossMs);
    public Latency StopToUpstreamCancelled => Latency.Of(Results.Select(result => result.StopToUpstreamCancelledMs).OfType<double>());
    public Latency KilledRunnerToGenerationLost => Latency.Of(Results.Where(result => result.ErrorCode is not null).Select(result => result.LostDetectedMs).OfType<double>());

    /// <summary>Gets the outcomes per kind of disruption.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByKind => Results
        .GroupBy(result => result.Kind)
        .OrderBy(group => group.Key)
        .ToDictionary(group => group.Key.ToString(), group => (IReadOnlyDictionary<string, int>)group
            .GroupBy(result => result.Outcome == ChaosOutcome.ExactlyOnce && result.Cancelled ? "ExactlyOnce (stopped)" : result.Outcome.ToString())
            .OrderBy(outcome => outcome.Key)
            .ToDictionary(outcome => outcome.Key, outcome => outcome.Count()));

    /// <summary>Gets the stops sent that took longer than the half second the issue asks for, or whose answer was not stopped.</summary>
    public IReadOnlyList<DisruptionResult> SlowStops => Results
        .Where(result => result.StopTrail is not null && (result.StopToUpstreamCancelledMs > 500 || !result.Cancelled))
        .ToList();

    /// <summary>Gets every outcome the guarantees do not allow.</summary>
    public IReadOnlyList<DisruptionResult> Unacceptable => Results.Where(result => !result.Acceptable).ToList();

    /// <summary>Gets whether every disruption ended in an outcome the guarantees allow.</summary>
    public bool Passed => Unacceptable.Count == 0;

    /// <summary>The report as indented JSON: settings, counts, latencies, outcomes per kind and the unacceptable results.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        Settings.Seed,
        Settings.Count,
        Settings.Concurrency,
        Settings.Instances,
        redis = Settings.Cluster ? "cluster (3 masters)" : "single",
        paceMs = Settings.Pace.TotalMilliseconds,
        elapsedSeconds = Math.Round(Elapsed.TotalSeconds, 1),
        counts = new { ExactlyOnce, WithLoss, WithDuplicates, TypedErrors, ExpectedTypedErrors, TypedErrorsOfRedisFaultsOnly, UnexpectedTypedErrors, Hung, OrphanedUpstreamCalls, SnapshotsStillRunning, FaultsLanded },
        latenciesMs = new { ReconnectSameInstance, ReconnectOtherInstance, ReconnectSameInstanceAnyCause, ReconnectOtherInstanceAnyCause, StopToUpstreamCancelled, KilledRunnerToGenerationLost },
        byKind = ByKind,
        unacceptable = Unacceptable,
        slowStops = SlowStops.Select(result => new { result.Number, result.AgentId, result.Outcome, result.StopToUpstreamCancelledMs, result.StopTrail }),
        passed = Passed,
    }, Json);

    /// <summary>The report as a few lines for a console or a test's output.</summary>
    public string Summary()
    {
        var text = new StringBuilder()
            .AppendLine($"chaos run: seed {Settings.Seed}, {Results.Count} disruptions, {Settings.Instances} instances, {(Settings.Cluster ? "Redis Cluster" : "single Redis")}, {Elapsed.TotalSeconds:0} s")
            .AppendLine($"  exactly once {ExactlyOnce} · with loss {WithLoss} · with duplicates {WithDuplicates} · typed error {TypedErrors} (expected {ExpectedTypedErrors}, of them {TypedErrorsOfRedisFaultsOnly} with no killed runner) · hung {Hung}")
            .AppendLine($"  faults landed mid-answer {FaultsLanded} · orphaned upstream calls {OrphanedUpstreamCalls} · snapshots still running {SnapshotsStillRunning}")
            .AppendLine($"  reconnect → first replayed event after a client cut, same instance:  {ReconnectSameInstance}")
            .AppendLine($"  reconnect → first replayed event after a client cut, other instance: {ReconnectOtherInstance}")
            .AppendLine($"  lost connection → first event again, any cause, same instance:  {ReconnectSameInstanceAnyCause}")
            .AppendLine($"  lost connection → first event again, any cause, other instance: {ReconnectOtherInstanceAnyCause}")
            .AppendLine($"  stop → upstream cancelled: {StopToUpstreamCancelled}")
            .AppendLine($"  killed runner → generation_lost: {KilledRunnerToGenerationLost}");
        foreach (var (kind, outcomes) in ByKind)
        {
            text.AppendLine($"  {kind}: {string.Join(", ", outcomes.Select(pair => $"{pair.Key} {pair.Value}"))}");
        }

        foreach (var stop in SlowStops)
        {
            text.AppendLine($"  slow or unheeded stop #{stop.Number} {stop.AgentId} ({stop.Outcome}): {stop.StopTrail}");
        }

        foreach (var result in Unacceptable.Take(20))
        {
            text.AppendLine($"  ✗ #{result.Number} {result.Kind} {result.AgentId}: {result.Outcome} {result.ErrorCode} {result.Detail}");
        }

        return text.ToString();
    }

    private Latency Reconnects(bool sameInstance, DisruptionKind[] kinds, Func<ReconnectSample, double> measure) => Latency.Of(Results
        .Where(result => kinds.Contains(result.Kind))
        .SelectMany(result => result.Reconnects)
        .Where(sample => sample.SameInstance == sameInstance)
        .Select(measure));

    private int Count(ChaosOutcome outcome) => Results.Count(result => result.Outcome == outcome);
}
