using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Canvas.Benchmarks -- --filter *` runs the micro-benchmarks;
// `… -- load --help` runs the load generator against a running ChatApi; `… -- chaos --help` the chaos run.
if (args.Length > 0 && args[0] == "load")
{
    return await Canvas.Benchmarks.Load.LoadGenerator.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "chaos")
{
    return await Canvas.Benchmarks.Chaos.ChaosCommand.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Canvas.Benchmarks.Streaming.SseFrameBenchmarks).Assembly).Run(args);
return 0;
