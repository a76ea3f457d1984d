using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Canvas.Benchmarks -- --filter *` runs the micro-benchmarks;
// `… -- load --help` runs the load generator; `… -- append --redis …` measures the runner's append path alone; `… -- chart …` draws a side-by-side harness run; `… -- targets …` judges
// issue 7's targets on a run.
switch (args.FirstOrDefault())
{
    case "load":
        return await Canvas.Benchmarks.Load.LoadGenerator.RunAsync(args[1..]);
    case "chart":
        return await Canvas.Benchmarks.Report.ChartCommand.RunAsync(args[1..]);
    case "append":
        return await Canvas.Benchmarks.Append.AppendPathCommand.RunAsync(args[1..]);
    case "targets":
        return await Canvas.Benchmarks.Report.TargetsCommand.RunAsync(args[1..]);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Canvas.Benchmarks.Streaming.SseFrameBenchmarks).Assembly).Run(args);
        return 0;
}
