using System.ComponentModel;
using System.Diagnostics;

namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// Whether a container runtime answers on this machine, asked once per test run the way Aspire chooses one:
/// <c>ASPIRE_CONTAINER_RUNTIME</c> when set, otherwise Docker, then Podman.
/// </summary>
internal static class ContainerRuntime
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<string?> UnavailableReason = new(Probe);

    /// <summary>Why full-stack tests cannot run here, or null when a runtime answered <c>info</c>.</summary>
    public static string? WhyUnavailable => UnavailableReason.Value;

    private static string? Probe()
    {
        var configured = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
            ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME");
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["docker", "podman"];

        return candidates.Any(Answers)
            ? null
            : $"Full-stack tests need a running container runtime; `{string.Join("` and `", candidates.Select(c => $"{c} info"))}` "
              + "did not succeed. Start Docker or Podman (for Podman set ASPIRE_CONTAINER_RUNTIME=podman).";
    }

    private static bool Answers(string runtime)
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
            if (!process.WaitForExit(ProbeTimeout))
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
