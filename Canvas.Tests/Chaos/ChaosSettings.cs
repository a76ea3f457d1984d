namespace Canvas.Tests.Chaos;

/// <summary>What a chaos run does.</summary>
/// <param name="Seed">Seeds the script: the same seed gives the same disruptions in the same order.</param>
/// <param name="Count">How many disruptions.</param>
/// <param name="Concurrency">How many disruptions run at once; instance and Redis faults hit all of them.</param>
/// <param name="Instances">How many ChatApi processes share Redis.</param>
/// <param name="Cluster">Whether Redis is a 3-master Redis Cluster instead of one server.</param>
/// <param name="ChunkDelay">The pause before each chunk of a fake provider's stream: the pace of every answer.</param>
public sealed record ChaosSettings(int Seed, int Count, int Concurrency = 6, int Instances = 3, bool Cluster = false, TimeSpan? ChunkDelay = null)
{
    /// <summary>Gets the pace of every answer; the default is 50 ms a chunk, about a second an answer.</summary>
    public TimeSpan Pace => ChunkDelay ?? TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Gets how long one disruption may take before it counts as hung. An answer takes about a second and a lost
    /// runner is detected within the owner timeout; this bound only catches a client that would wait forever.
    /// </summary>
    public TimeSpan HangBound { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets how long an instance's open streams read on through failing Redis reads before they are cut off and their
    /// clients resume elsewhere: far inside <see cref="HangBound"/>, so a client held by an instance that cannot reach a
    /// Cluster node resumes, even twice on it, before it would count as hung.
    /// </summary>
    public TimeSpan StorageOutageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the runner lease the instances use: a heartbeat every half second, lost after five.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc cref="HeartbeatInterval"/>
    public TimeSpan OwnerTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
