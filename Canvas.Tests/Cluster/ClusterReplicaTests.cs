using Canvas.Tests.Chat;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Cluster;

/// <summary>
/// The replica contract (fan-out, resume after a cut on SSE and WebSocket, cancel, idempotent starts) on a 3-master
/// Redis Cluster, with no sticky sessions: every request may land on either replica.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterReplicaTests(RedisClusterFixture cluster) : ReplicaContractTests(cluster.ConnectionString);
