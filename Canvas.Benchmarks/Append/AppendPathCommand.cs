using System.Diagnostics;
using System.Threading.Channels;
using Canvas.Benchmarks.Load;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Generations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Benchmarks.Append;

/// <summary>
/// <c>append --redis HOST:PORT [--answers 100] [--tokens 200]</c>: the runner's half of the token path alone, on a real
/// Redis: each token goes through the <see cref="DeltaAppender"/>, the Redis backplane's append and the local feed to
/// a reader on the same replica, as an SSE client on the runner's replica reads it. Each token is added only once the
/// reader has the one before (answers run side by side), so every token is one append, as at a model's pace, and the
/// bytes and CPU per token it reports are the same from run to run whatever the machine's load: no HTTP, no SDK.
/// </summary>
internal static class AppendPathCommand
{
    public const string Usage = "append --redis <host:port> [--answers 100] [--tokens 200]";

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        if (!values.TryGetValue("redis", out var redis))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var answers = int.Parse(values.GetValueOrDefault("answers", "100"));
        var tokens = int.Parse(values.GetValueOrDefault("tokens", "200"));
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var replica = new ReplicaIdentity();
        using var backplane = new RedisGenerationBackplane(
            connection, Options.Create(new BackplaneOptions { KeyPrefix = $"bench-{Guid.NewGuid():N}" }), replica, NullLogger<RedisGenerationBackplane>.Instance);

        // Warm up (JIT, scripts), then measure.
        await Task.WhenAll(Enumerable.Range(0, Math.Min(answers, 20)).Select(_ => AnswerAsync(backplane, replica, tokens)));
        var start = ProcessCost.Now();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, answers).Select(_ => AnswerAsync(backplane, replica, tokens)));
        var cost = ProcessCost.Now().Since(start);
        var total = (double)answers * tokens;
        Console.WriteLine(
            $"{answers} answers x {tokens} tokens in {wall.Elapsed.TotalSeconds:0.0} s: {cost.AllocatedBytes / total:0} B allocated and "
            + $"{cost.CpuSeconds * 1000 / total * 1000:0.0} CPU-µs per token ({(cost.ServerGc ? "server" : "workstation")} GC, gen0/1/2 {cost.Gen0}/{cost.Gen1}/{cost.Gen2})");
        return 0;
    }

    private static async Task AnswerAsync(RedisGenerationBackplane backplane, ReplicaIdentity replica, int tokens)
    {
        var generationId = Ids.NewGenerationId();
        await backplane.CreateAsync(new GenerationRecord(generationId, "c_bench", "bench", "bench", DateTimeOffset.UtcNow, replica.Id), CancellationToken.None);
        await backplane.AppendAsync(new MetaEvent { GenerationId = generationId, Seq = 0, ConversationId = "c_bench", AgentId = "bench", Provider = "ollama", Model = "m", Transport = "sse" }, CancellationToken.None);
        var received = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var reader = Task.Run(async () =>
        {
            await foreach (var generationEvent in backplane.ReadAsync(generationId, 0, CancellationToken.None))
            {
                received.Writer.TryWrite(generationEvent.Seq);
            }
        });
        var appender = new DeltaAppender(backplane, generationId, onLost: () => throw new InvalidOperationException("The log refused an append."));
        for (var i = 0; i < tokens; i++)
        {
            appender.Add("token ");
            await received.Reader.ReadAsync();
        }

        if (!await appender.CompleteAsync())
        {
            throw new InvalidOperationException("The answer was declared lost.");
        }

        await backplane.AppendAsync(new DoneEvent { GenerationId = generationId, Seq = appender.NextSeq, FinishReason = FinishReasons.Stop, Timings = new(null, 0) }, CancellationToken.None);
        await reader;
    }
}
