namespace Canvas.ChatApi.Generations;

/// <summary>Who claimed a start request: the generation it would start, and the replica starting it.</summary>
/// <param name="GenerationId">The generation the claiming attempt starts.</param>
/// <param name="ReplicaId">The replica that attempt runs on; empty when not known (a claim written before replicas were recorded).</param>
public sealed record StartClaim(string GenerationId, string ReplicaId)
{
    /// <summary>The claim as the ledger stores it: both ids, which never contain a space.</summary>
    public string Encode() => ReplicaId.Length == 0 ? GenerationId : $"{GenerationId} {ReplicaId}";

    /// <summary>Reads what <see cref="Encode"/> wrote; a bare generation id is a claim of an unknown replica.</summary>
    public static StartClaim Decode(string stored) => stored.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0
        ? new StartClaim(stored[..space], stored[(space + 1)..])
        : new StartClaim(stored, "");
}
