using Microsoft.Extensions.Configuration;

namespace Canvas.AppHost.Dependencies;

/// <summary>Stops the AppHost at start, with one line, when a dependency it declares cannot run on this machine.</summary>
public static class StartupCheckExtensions
{
    /// <summary>
    /// Runs <see cref="StartupCheck"/> before any resource starts (run mode only: publishing needs no runtime), and
    /// throws <see cref="DependencyUnavailableException"/> with its line when something cannot run.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <returns>The same builder.</returns>
    public static IDistributedApplicationBuilder AddStartupCheck(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            StartupCheck.FindProblem(@event.Model, builder.Configuration) is { } problem
                ? throw new DependencyUnavailableException(problem)
                : Task.CompletedTask);
        return builder;
    }

    /// <summary>Runs the application; prints the reason and returns 1 when a dependency cannot run.</summary>
    /// <param name="app">The built application.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunOrExplainAsync(this DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (DependencyUnavailableException exception)
        {
            Console.Error.WriteLine($"Canvas.AppHost cannot start: {exception.Message}");
            return 1;
        }
    }
}

/// <summary>A dependency the AppHost declares cannot run here; the message says which and how to fix it.</summary>
/// <param name="message">The one-line reason.</param>
public sealed class DependencyUnavailableException(string message) : DistributedApplicationException(message);
