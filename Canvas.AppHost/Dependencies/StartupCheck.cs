using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Canvas.AppHost.Dependencies;

/// <summary>
/// Finds, before anything starts, the dependency this machine cannot run: containers without a container runtime, or
/// an executable that is not on PATH. Without it DCP leaves such a resource pending and ChatApi waits for it forever.
/// </summary>
public static class StartupCheck
{
    private static readonly TimeSpan RuntimeProbeTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Returns the one line that says what cannot run and how to fix it, or null when everything can run.</summary>
    /// <param name="model">The application model.</param>
    /// <param name="configuration">The AppHost's configuration (<c>ASPIRE_CONTAINER_RUNTIME</c>).</param>
    public static string? FindProblem(DistributedApplicationModel model, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(model);

        foreach (var executable in model.Resources.OfType<ExecutableResource>())
        {
            if (FindOnPath(executable.Command) is null)
            {
                return $"`{executable.Command}` (resource {executable.Name}) is not on PATH: install it, drop --launch-profile local "
                       + $"to run it as a container, or set ConnectionStrings:{ConnectionNameOf(executable, model)} to an existing instance.";
            }
        }

        var containers = model.Resources.OfType<ContainerResource>().Select(c => c.Name).ToList();
        if (containers.Count > 0)
        {
            var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
            if (!RuntimeAnswers(runtime))
            {
                return $"`{runtime} info` failed, so the containers {string.Join(", ", containers)} cannot start: start Docker or Podman "
                       + "(ASPIRE_CONTAINER_RUNTIME=podman), or run without containers: dotnet run --project Canvas.AppHost --launch-profile local.";
            }
        }

        return null;
    }

    /// <summary>The full path of <paramref name="command"/> found on PATH, or null.</summary>
    /// <param name="command">A command name such as <c>redis-server</c>, or a path.</param>
    public static string? FindOnPath(string command)
    {
        if (Path.IsPathRooted(command))
        {
            return File.Exists(command) ? command : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
    }

    // The connection string a user would set instead: the model's name for Ollama (chat-model), else the resource's.
    private static string ConnectionNameOf(IResource resource, DistributedApplicationModel model) =>
        model.Resources.OfType<IResourceWithParent>().FirstOrDefault(child => child.Parent == resource)?.Name ?? resource.Name;

    /// <summary>Whether the container runtime <paramref name="runtime"/> (<c>docker</c>, <c>podman</c>) answers <c>info</c>.</summary>
    /// <param name="runtime">The runtime's command.</param>
    public static bool RuntimeAnswers(string runtime)
    {
        var start = new ProcessStartInfo(runtime, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            // Drain both pipes so a chatty `info` cannot block on a full buffer before it exits.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(RuntimeProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            // Not installed: the executable is not on PATH.
            return false;
        }
    }
}
