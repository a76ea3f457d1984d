using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Canvas.Benchmarks -- --filter *` runs the micro-benchmarks;
// `… -- load --help` runs the load generator against a running ChatApi.
if (args.Length > 0 && args[0] == "load")
{
    return await Canvas.Benchmarks.Load.LoadGenerator.RunAsync(args[1..]);
}

// Named through a type of this assembly: `Program` alone is ambiguous with ChatApi's public Program (CS0436).
BenchmarkSwitcher.FromAssembly(typeof(Canvas.Benchmarks.Load.LoadGenerator).Assembly).Run(args);
return 0;
