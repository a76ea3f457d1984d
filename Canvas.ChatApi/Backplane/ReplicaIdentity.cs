using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// This process among the replicas that share a backplane. The runner stamps it on every generation it starts
/// (<see cref="GenerationRecord.OwnerReplicaId"/>), so one lease per replica, not one per generation, tells the
/// other replicas that the generation's runner is alive.
/// </summary>
public sealed class ReplicaIdentity
{
    /// <summary>Gets the replica's id, new for every process.</summary>
    public string Id { get; } = Ids.NewReplicaId();
}
