using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Canvas.AppHost.Dependencies;

/// <summary>Stops the AppHost at start, with one line that names the fix, when this machine cannot run what it declares.</summary>
public static class StartupCheckExtensions
{
    /// <summary>
    /// Runs the application after <see cref="StartupCheck"/> found nothing missing (run mode only: publishing needs
    /// no runtime). A dependency that cannot run, or an <c>https</c> profile without a development certificate, is
    /// printed as one line instead of a stack trace.
    /// </summary>
    /// <param name="app">The built application.</param>
    /// <returns>The process exit code: 0 after a normal stop, 1 when the AppHost could not start.</returns>
    public static async Task<int> RunOrExplainAsync(this DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Before RunAsync: by the time Aspire raises BeforeStartEvent it has already built the dashboard's host.
        if (app.Services.GetRequiredService<DistributedApplicationExecutionContext>().IsRunMode
            && StartupCheck.FindProblem(app.Services.GetRequiredService<DistributedApplicationModel>(), app.Services.GetRequiredService<IConfiguration>()) is { } problem)
        {
            return Explain(problem);
        }

        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (InvalidOperationException exception) when (exception.TargetSite?.DeclaringType == typeof(ListenOptionsHttpsExtensions))
        {
            // Kestrel found no certificate for one of the AppHost's own https endpoints (dashboard, OTLP, resource service).
            return Explain("its https endpoints need the ASP.NET Core development certificate: run `dotnet dev-certs https --trust`, "
                + "or start without HTTPS: dotnet run --project Canvas.AppHost --launch-profile http (or local).");
        }
    }

    private static int Explain(string problem)
    {
        Console.Error.WriteLine($"Canvas.AppHost cannot start: {problem}");
        return 1;
    }
}
