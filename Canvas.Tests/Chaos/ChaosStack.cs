using System.Collections.Concurrent;
using System.Diagnostics;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chaos;

/// <summary>
/// What a chaos run disrupts: a real Redis (one server or a 3-master cluster), two or three ChatApi processes sharing
/// it on loopback, and the fake provider upstreams streaming their recordings at a steady pace. Instances killed by
/// a disruption are replaced in the background; every fault is logged with when it happened, so a typed error can
/// be told apart from one nothing explains.
/// </summary>
public sealed class ChaosStack : IAsyncDisposable
{
    /// <summary>The recording each agent answers with, compared byte for byte with what every client got.</summary>
    private static readonly IReadOnlyDictionary<string, (string File, Func<string> Text)> Recordings = new Dictionary<string, (string, Func<string>)>
    {
        ["gpt"] = ("chat_stream_gpt35_count.sse", () => FixtureTranscript.OpenAI("chat_stream_gpt35_count.sse").Text),
        ["claude"] = ("messages_stream_text_ping_midstream.sse", () => FixtureTranscript.Anthropic("messages_stream_text_ping_midstream.sse").Text),
        ["local"] = ("chat_stream_basic.ndjson", () => FixtureTranscript.Ollama("chat_stream_basic.ndjson").Text),
    };

    private readonly ChaosSettings _settings;
    private readonly Action<string> _log;
    private readonly RedisServerProcess? _redis;
    private readonly RedisCluster? _cluster;
    private readonly Dictionary<string, string> _recorded;
    private readonly InstanceSlot[] _slots;
    private readonly ConcurrentDictionary<ChatApiProcess, long> _killedAt = new();
    private readonly ConcurrentQueue<(long From, long To)> _redisFaults = new();

    // The start of the Redis fault being injected (one at a time), or -1: it explains what fails before it is logged.
    private long _redisFaultSince = -1;
    private readonly ConcurrentBag<ChatApiProcess> _retired = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _incarnations;

    private ChaosStack(ChaosSettings settings, Action<string> log, RedisServerProcess? redis, RedisCluster? cluster,
        FakeOpenAIServer openAI, FakeAnthropicServer anthropic, FakeOllamaServer ollama)
    {
        _settings = settings;
        _log = log;
        _redis = redis;
        _cluster = cluster;
        OpenAI = openAI;
        Anthropic = anthropic;
        Ollama = ollama;
        _recorded = Recordings.ToDictionary(pair => pair.Key, pair => pair.Value.Text());
        _slots = Enumerable.Range(0, settings.Instances).Select(index => new InstanceSlot(index)).ToArray();
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public FakeOpenAIServer OpenAI { get; }
    public FakeAnthropicServer Anthropic { get; }
    public FakeOllamaServer Ollama { get; }

    /// <summary>Gets one HTTP client for every instance (absolute URIs, no timeout: each call carries its own bound).</summary>
    public HttpClient Http { get; }

    /// <summary>Gets the Redis connection string the instances share.</summary>
    public string RedisConnectionString => _cluster?.ConnectionString ?? _redis!.Endpoint;

    /// <summary>Gets the settings of the run.</summary>
    public ChaosSettings Settings => _settings;

    /// <summary>Gets a monotonic timestamp of the run's clock, in milliseconds, for the fault log.</summary>
    public long Now => _clock.ElapsedMilliseconds;

    /// <summary>
    /// Serialises the instance kills, which hit every answer on that instance: one at a time, so a kill has a live
    /// peer to resume on.
    /// </summary>
    public SemaphoreSlim InstanceFaultGate { get; } = new(1, 1);

    /// <summary>
    /// Serialises the Redis restarts and pauses, which hit every answer: one at a time, while an instance kill may land
    /// during one (as in production, where the two are unrelated).
    /// </summary>
    public SemaphoreSlim RedisFaultGate { get; } = new(1, 1);

    /// <summary>Starts Redis, the fake upstreams and the instances.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="log">Where progress lines go.</param>
    public static async Task<ChaosStack> StartAsync(ChaosSettings settings, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RedisServerProcess? redis = null;
        RedisCluster? cluster = null;
        if (settings.Cluster)
        {
            cluster = await RedisCluster.StartAsync();
        }
        else
        {
            redis = await RedisServerProcess.StartAsync();
        }

        var stack = new ChaosStack(settings, log, redis, cluster,
            await FakeOpenAIServer.StartAsync(), await FakeAnthropicServer.StartAsync(), await FakeOllamaServer.StartAsync());
        try
        {
            await Task.WhenAll(stack._slots.Select(stack.StartInstanceAsync));
            log($"stack up: {settings.Instances} instances on {(settings.Cluster ? "a 3-master Redis Cluster" : "one redis-server")} ({stack.RedisConnectionString})");
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The agents a disruption may ask, with the tiers each offers (Ollama has no WebSocket).</summary>
    public static IReadOnlyDictionary<string, string[]> AgentTiers { get; } = new Dictionary<string, string[]>
    {
        ["gpt"] = ["websocket", "sse", "rest"],
        ["claude"] = ["websocket", "sse", "rest"],
        ["local"] = ["sse", "rest"],
    };

    /// <summary>The text the agent's recording holds.</summary>
    public string RecordedAnswer(string agentId) => _recorded[agentId];

    /// <summary>The fake upstream behind an agent.</summary>
    public FakeUpstreamServer UpstreamOf(string agentId) => agentId switch
    {
        "gpt" => OpenAI,
        "claude" => Anthropic,
        _ => Ollama,
    };

    /// <summary>Queues one paced answer on the agent's upstream; call once per start attempt, so none runs out.</summary>
    public void QueueAnswer(string agentId) =>
        UpstreamOf(agentId).Enqueue(FakeResponse.Fixture(Recordings[agentId].File) with { ChunkDelay = _settings.Pace });

    /// <summary>Picks a live instance at random, other than <paramref name="avoid"/> when another is live.</summary>
    /// <param name="random">The disruption's generator.</param>
    /// <param name="avoid">An instance not to pick while another is live.</param>
    /// <param name="deadline">Postponed by the time spent waiting for a replacement when none is live.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<ChatApiProcess> PickAsync(Random random, ChatApiProcess? avoid = null, ChaosDeadline? deadline = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var live = _slots.Select(slot => slot.Current).OfType<ChatApiProcess>().Where(instance => !instance.HasExited && !_killedAt.ContainsKey(instance)).ToList();
            var preferred = live.Where(instance => instance != avoid).ToList();
            if (preferred.Count > 0)
            {
                return preferred[random.Next(preferred.Count)];
            }

            if (live.Count > 0)
            {
                return live[0];
            }

            // The time really waited: on a loaded machine a 50 ms delay takes far longer, and a bound moved on by
            // 50 ms a turn counted most of the wait for a replacement instance against the system.
            var waiting = Stopwatch.GetTimestamp();
            await Task.Delay(50, cancellationToken);
            deadline?.Postpone(Stopwatch.GetElapsedTime(waiting));
        }
    }

    /// <summary>
    /// Waits until at least two instances are live, so the one to kill has a peer to serve its clients; the others
    /// may still be coming back from earlier kills.
    /// </summary>
    public async Task WaitUntilTwoLiveAsync(CancellationToken cancellationToken)
    {
        while (_slots.Count(slot => slot.Current is { HasExited: false } instance && !_killedAt.ContainsKey(instance)) < 2)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Kills an instance with SIGKILL and starts its replacement (on a new port) in the background.</summary>
    public async Task KillAsync(ChatApiProcess instance)
    {
        var slot = _slots.Single(candidate => candidate.Current == instance);
        _killedAt[instance] = Now;
        _log($"{DateTime.UtcNow:HH:mm:ss.fff} t={Now} kill {instance.Name}");
        await instance.KillAsync();
        _retired.Add(instance);
        slot.Replacing = StartInstanceAsync(slot);
    }

    /// <summary>Whether <paramref name="instance"/> was killed at or before <paramref name="until"/>.</summary>
    public bool WasKilled(ChatApiProcess instance, long until) => _killedAt.TryGetValue(instance, out var at) && at <= until;

    // A Redis fault outlasts its injection: a replica's connection comes back a second or two after Redis does, and
    // a Redis Cluster may answer CLUSTERDOWN for seconds after every node said cluster_state:ok again (seen in the
    // runs: a runner's store failed with it 2-4 s later). An answer started or written meanwhile can still fail over it.
    private const long SettleMs = 5_000;

    /// <summary>Whether a Redis restart or pause, or the settling after it, overlapped the interval.</summary>
    public bool RedisFaultDuring(long from, long to) =>
        _redisFaults.Any(fault => fault.From <= to && fault.To >= from) || Interlocked.Read(ref _redisFaultSince) is >= 0 and var since && since <= to;

    /// <summary>The Redis faults (with their settling) of the minute before <paramref name="at"/>, for the report.</summary>
    public string DescribeRedisFaultsNear(long at)
    {
        var near = _redisFaults.Where(fault => fault.From <= at && fault.To >= at - 60_000).Select(fault => $"{fault.From}–{fault.To} ms").ToList();
        return near.Count == 0 ? "no Redis fault in the minute before" : $"Redis faults {string.Join(", ", near)}";
    }

    /// <summary>Saves, stops and restarts Redis (one node of a cluster) on the same port.</summary>
    public async Task RestartRedisAsync(Random random, TimeSpan downtime)
    {
        var from = Now;
        Interlocked.Exchange(ref _redisFaultSince, from);
        try
        {
            if (_cluster is not null)
            {
                var restarted = _cluster.Nodes[random.Next(_cluster.Nodes.Count)];
                _log($"{DateTime.UtcNow:HH:mm:ss.fff} t={from} redis restart {restarted.Endpoint} for {downtime.TotalMilliseconds:0} ms");
                await restarted.RestartAsync(downtime);
                await _cluster.WaitUntilFormedAsync();
            }
            else
            {
                await _redis!.RestartAsync(downtime);
            }
        }
        finally
        {
            _redisFaults.Enqueue((from, Now + SettleMs));
            Interlocked.Exchange(ref _redisFaultSince, -1);
        }
    }

    /// <summary>Stops Redis (one node of a cluster) answering for a while: <c>CLIENT PAUSE</c> or <c>DEBUG SLEEP</c>.</summary>
    public async Task PauseRedisAsync(Random random, TimeSpan duration, bool debugSleep)
    {
        var node = _cluster is not null ? _cluster.Nodes[random.Next(_cluster.Nodes.Count)] : _redis!;
        var from = Now;
        _log($"{DateTime.UtcNow:HH:mm:ss.fff} t={from} redis {(debugSleep ? "DEBUG SLEEP" : "CLIENT PAUSE")} {node.Endpoint} for {duration.TotalMilliseconds:0} ms");
        Interlocked.Exchange(ref _redisFaultSince, from);
        try
        {
            if (debugSleep)
            {
                await node.SleepAsync(duration);
            }
            else
            {
                await node.PauseClientsAsync(duration);
                await Task.Delay(duration);
            }
        }
        finally
        {
            _redisFaults.Enqueue((from, Now + SettleMs));
            Interlocked.Exchange(ref _redisFaultSince, -1);
        }
    }

    /// <summary>What any instance, live or killed, logged about a generation: for the report of an outcome that is not allowed.</summary>
    public IEnumerable<string> LogLinesAbout(string generationId) => _slots.Select(slot => slot.Current).OfType<ChatApiProcess>().Concat(_retired)
        .SelectMany(instance => LinesAbout(instance, generationId));

    // The line that names the generation and the few after it: an exception's message and the top of its stack.
    private static IEnumerable<string> LinesAbout(ChatApiProcess instance, string generationId)
    {
        var lines = instance.Output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(generationId, StringComparison.Ordinal))
            {
                yield return $"{instance.Name}: {string.Join(" / ", lines.Skip(i).Take(4).Select(line => line.Trim()))}";
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("CANVAS_CHAOS_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            foreach (var instance in _slots.Select(slot => slot.Current).OfType<ChatApiProcess>().Concat(_retired))
            {
                await File.WriteAllTextAsync(Path.Combine(logs, $"{instance.Name}.log"), instance.Output);
            }
        }

        foreach (var slot in _slots)
        {
            await slot.Replacing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (slot.Current is { } instance)
            {
                await instance.DisposeAsync();
            }
        }

        foreach (var instance in _retired)
        {
            await instance.DisposeAsync();
        }

        Http.Dispose();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Ollama.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private async Task StartInstanceAsync(InstanceSlot slot)
    {
        var name = $"chatapi-{slot.Index}#{Interlocked.Increment(ref _incarnations)}";
        var starting = Now;
        var settings = ChatApiProcessSettings.For(RedisConnectionString, Ollama, OpenAI, Anthropic, _settings.HeartbeatInterval, _settings.OwnerTimeout);
        settings["Canvas:Limits:StorageOutageTimeout"] = _settings.StorageOutageTimeout.ToString("c");
        slot.Current = await ChatApiProcess.StartAsync(name, settings);
        _log($"{DateTime.UtcNow:HH:mm:ss.fff} t={Now} {name} up on {slot.Current.Address} after {Now - starting} ms");
    }

    private sealed class InstanceSlot(int index)
    {
        public int Index { get; } = index;

        public ChatApiProcess? Current { get; set; }

        public Task Replacing { get; set; } = Task.CompletedTask;
    }
}
