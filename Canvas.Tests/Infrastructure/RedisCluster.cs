using System.Diagnostics;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A Redis Cluster of three masters and no replicas on loopback: three <c>redis-server --cluster-enabled yes</c> on
/// free ports, joined with <c>redis-cli --cluster create … --cluster-yes</c>, which spreads the 16,384 slots over them.
/// A key layout that sends a multi-key command or a script across slots fails here with <c>CROSSSLOT</c>.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int Masters = 3;
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);

    private RedisCluster(IReadOnlyList<RedisServerProcess> nodes) => Nodes = nodes;

    /// <summary>Gets the nodes, each a master of a third of the slots.</summary>
    public IReadOnlyList<RedisServerProcess> Nodes { get; }

    /// <summary>Gets a StackExchange.Redis connection string naming every node.</summary>
    public string ConnectionString => string.Join(",", Nodes.Select(node => node.Endpoint));

    /// <summary>Starts the nodes, creates the cluster and waits until every node reports <c>cluster_state:ok</c>.</summary>
    /// <exception cref="InvalidOperationException">A node did not start, or the cluster did not form in time.</exception>
    public static async Task<RedisCluster> StartAsync()
    {
        var nodes = new List<RedisServerProcess>();
        var cluster = new RedisCluster(nodes);
        try
        {
            for (var i = 0; i < Masters; i++)
            {
                nodes.Add(await RedisServerProcess.StartAsync(RedisServerProcess.FreePort(),
                    ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"]));
            }

            await RedisCliAsync(["--cluster", "create", .. nodes.Select(node => node.Endpoint), "--cluster-replicas", "0", "--cluster-yes"]);
            await cluster.WaitUntilFormedAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every node agrees the cluster serves all slots, e.g. after a node restarted.</summary>
    public async Task WaitUntilFormedAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var states = await Task.WhenAll(Nodes.Select(node => RedisCliAsync(["-p", node.Port.ToString(), "cluster", "info"])));
            if (states.All(state => state.Contains("cluster_state:ok", StringComparison.Ordinal)))
            {
                return;
            }

            if (deadline.Elapsed > FormTimeout)
            {
                throw new InvalidOperationException($"The Redis Cluster did not form within {FormTimeout.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, states)}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    private static async Task<string> RedisCliAsync(IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(FormTimeout);
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{await output}{await errors}");
    }
}

/// <summary>One <see cref="RedisCluster"/> shared by the tests of the <see cref="RedisClusterCollection"/>.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    /// <summary>Gets the cluster.</summary>
    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>Gets a StackExchange.Redis connection string naming every node.</summary>
    public string ConnectionString => Cluster.ConnectionString;

    /// <summary>Opens a new multiplexer on the cluster: each one stands for one ChatApi replica.</summary>
    public async Task<StackExchange.Redis.ConnectionMultiplexer> ConnectAsync() =>
        await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(ConnectionString).WaitAsync(TimeSpan.FromSeconds(10));

    public async Task InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one <see cref="RedisClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    /// <summary>The collection's name, for <c>[Collection(RedisClusterCollection.Name)]</c>.</summary>
    public const string Name = "redis-cluster";
}
