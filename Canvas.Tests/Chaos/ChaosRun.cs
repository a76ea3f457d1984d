using System.Collections.Concurrent;
using System.Diagnostics;

namespace Canvas.Tests.Chaos;

/// <summary>
/// A seeded chaos run: the stack, the script, the disruptions played <see cref="ChaosSettings.Concurrency"/> at a
/// time, and the report. The tests run a sample of it; <c>Canvas.Chaos</c> runs it in full.
/// </summary>
public static class ChaosRun
{
    /// <summary>Runs the script of <paramref name="settings"/> on a fresh stack.</summary>
    /// <param name="settings">Seed, count and shape of the run.</param>
    /// <param name="progress">Called after each disruption with how many are done and the result.</param>
    /// <param name="log">Where the stack's own lines go (instances up, restarts).</param>
    public static async Task<ChaosReport> RunAsync(ChaosSettings settings, Action<int, DisruptionResult>? progress = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var stack = await ChaosStack.StartAsync(settings, log ?? (_ => { }));
        var runner = new DisruptionRunner(stack);
        await WarmUpAsync(stack);

        var results = new ConcurrentBag<DisruptionResult>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ChaosScript.For(settings.Seed, settings.Count), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency },
            async (disruption, _) =>
            {
                var result = await runner.RunAsync(disruption);
                results.Add(result);
                progress?.Invoke(Interlocked.Increment(ref done), result);
            });
        return new ChaosReport(settings, clock.Elapsed, results.OrderBy(result => result.Number).ToList());
    }

    // One plain answer per agent on every instance first: JIT, connection pools and Redis scripts, so the first
    // disruptions meet the same system as the last.
    private static async Task WarmUpAsync(ChaosStack stack)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var warmUps = ChaosStack.AgentTiers.Keys.SelectMany(agent => Enumerable.Range(0, stack.Settings.Instances).Select(i => (agent, i)))
            .Select(async pair =>
            {
                var client = new ChaosClient(stack, pair.agent, -1 - pair.i);
                await client.FinishAsync(new Random(pair.i), bound.Token);
            });
        await Task.WhenAll(warmUps);
    }
}
