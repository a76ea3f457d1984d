namespace Canvas.Tests.Chaos;

/// <summary>What one disruption does to one answer.</summary>
public enum DisruptionKind
{
    /// <summary>The client's connection is killed at a random event on a random tier, then resumed on a random instance and tier.</summary>
    ClientCut,

    /// <summary>The tier changes mid-answer: WebSocket → SSE → REST (a status snapshot) and back up.</summary>
    TierWalk,

    /// <summary>The instance serving the client (not the one running the answer) is killed with SIGKILL mid-answer.</summary>
    ServingInstanceKilled,

    /// <summary>The instance running the answer is killed with SIGKILL mid-answer.</summary>
    RunnerInstanceKilled,

    /// <summary>Redis (one node of a cluster) is saved, stopped and started again mid-answer.</summary>
    RedisRestarted,

    /// <summary>Redis (one node of a cluster) stops answering for a while mid-answer: <c>CLIENT PAUSE</c> or <c>DEBUG SLEEP</c>.</summary>
    RedisPaused,

    /// <summary>The client reads nothing for a while, then catches up.</summary>
    SlowConsumer,

    /// <summary>The client stops the answer from a random instance.</summary>
    Stop,
}

/// <summary>One scripted disruption; everything random about it comes from <see cref="Random"/>, seeded by the run's seed and its number.</summary>
/// <param name="Number">Its place in the script, from 0.</param>
/// <param name="Kind">What it does.</param>
/// <param name="AgentId">Which agent answers.</param>
/// <param name="Seed">The seed of <see cref="Random"/>.</param>
public sealed record Disruption(int Number, DisruptionKind Kind, string AgentId, int Seed)
{
    /// <summary>A fresh generator for the disruption's own choices (tiers, instances, the event to act at).</summary>
    public Random NewRandom() => new(Seed);
}

/// <summary>The script of a chaos run: the same seed and count always give the same disruptions.</summary>
public static class ChaosScript
{
    // How often each kind comes up. Kills and Redis faults hit every answer in flight, so each is a bigger disruption
    // than its share suggests.
    private static readonly (DisruptionKind Kind, int Weight)[] Mix =
    [
        (DisruptionKind.ClientCut, 26),
        (DisruptionKind.TierWalk, 14),
        (DisruptionKind.ServingInstanceKilled, 9),
        (DisruptionKind.RunnerInstanceKilled, 9),
        (DisruptionKind.RedisRestarted, 8),
        (DisruptionKind.RedisPaused, 8),
        (DisruptionKind.SlowConsumer, 12),
        (DisruptionKind.Stop, 14),
    ];

    private static readonly string[] Agents = ["gpt", "claude", "local"];

    /// <summary>
    /// The disruptions of a run. Every kind appears at least once when <paramref name="count"/> allows (the first ones
    /// go through the kinds in order), the rest are drawn by weight.
    /// </summary>
    public static IReadOnlyList<Disruption> For(int seed, int count)
    {
        var random = new Random(seed);
        var total = Mix.Sum(entry => entry.Weight);
        var script = new List<Disruption>(count);
        for (var number = 0; number < count; number++)
        {
            var kind = number < Mix.Length ? Mix[number].Kind : Draw(random.Next(total));
            script.Add(new Disruption(number, kind, Agents[random.Next(Agents.Length)], random.Next()));
        }

        return script;
    }

    private static DisruptionKind Draw(int ticket)
    {
        foreach (var (kind, weight) in Mix)
        {
            if (ticket < weight)
            {
                return kind;
            }

            ticket -= weight;
        }

        throw new ArgumentOutOfRangeException(nameof(ticket));
    }
}
