// `dotnet run -c Release --project Canvas.Chaos -- --seed 2026 --count 1000` runs the chaos run; `-- --help` lists the options.
return await Canvas.Chaos.ChaosCommand.RunAsync(args);
