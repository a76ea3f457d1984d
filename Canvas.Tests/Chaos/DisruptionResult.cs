using System.Text.Json.Serialization;

namespace Canvas.Tests.Chaos;

/// <summary>How one disrupted answer ended, as the client saw it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChaosOutcome>))]
public enum ChaosOutcome
{
    /// <summary>Every event exactly once, and the text byte for byte the recording (or, stopped, a prefix of it that is the stored answer).</summary>
    ExactlyOnce,

    /// <summary>A seq skipped, or text missing against the recording.</summary>
    Loss,

    /// <summary>A seq delivered twice, or text the recording does not have.</summary>
    Duplicate,

    /// <summary>Ended with an <c>error</c> event (or REST problem) whose text so far is a prefix of the recording.</summary>
    TypedError,

    /// <summary>Did not end within the hang bound.</summary>
    Hung,
}

/// <summary>What one disruption did and how its answer ended.</summary>
public sealed record DisruptionResult(int Number, DisruptionKind Kind, string AgentId, ChaosOutcome Outcome)
{
    /// <summary>Gets the error code of a typed error.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>
    /// Gets whether a typed error has a cause the run itself made: a retryable <c>generation_lost</c> after the instance
    /// that ran the answer was killed, or while Redis restarted or paused.
    /// </summary>
    public bool ExpectedError { get; init; }

    /// <summary>Gets whether an instance that ran the answer was killed; an expected error without it is the Redis fault's.</summary>
    public bool RunnerKilled { get; init; }

    /// <summary>Gets whether the answer was stopped (finish reason <c>cancelled</c>).</summary>
    public bool Cancelled { get; init; }

    /// <summary>Gets whether the fault landed mid-answer (false: the answer ended before the event it waited for).</summary>
    public bool FaultLanded { get; init; } = true;

    /// <summary>Gets the resumes that delivered an event.</summary>
    public IReadOnlyList<ReconnectSample> Reconnects { get; init; } = [];

    /// <summary>Gets, for a stop, how long from the cancel request until the upstream call was aborted.</summary>
    public double? StopToUpstreamCancelledMs { get; init; }

    /// <summary>Gets, for a stop, where it went and what answered it: to read a slow stop against the run's faults.</summary>
    public string? StopTrail { get; init; }

    /// <summary>Gets, for a stopped answer, whether the upstream call was still running after the bound (an orphan).</summary>
    public bool UpstreamOrphaned { get; init; }

    /// <summary>Gets, after the runner was killed, how long until the client had <c>generation_lost</c>.</summary>
    public double? LostDetectedMs { get; init; }

    /// <summary>Gets, after the runner was killed and the client had its error, whether the snapshot still said <c>running</c>.</summary>
    public bool SnapshotStillRunning { get; init; }

    /// <summary>Gets what went wrong, for anything but an exactly-once or expected outcome.</summary>
    public string? Detail { get; init; }

    /// <summary>Gets whether the outcome is one the guarantees allow.</summary>
    [JsonIgnore]
    public bool Acceptable => Outcome switch
    {
        ChaosOutcome.ExactlyOnce => !UpstreamOrphaned && !SnapshotStillRunning,
        ChaosOutcome.TypedError => ExpectedError && !SnapshotStillRunning,
        _ => false,
    };
}
