using Canvas.AppHost.Dependencies;

namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// Whether a container runtime answers on this machine, asked once per test run the way Aspire chooses one:
/// <c>ASPIRE_CONTAINER_RUNTIME</c> when set, otherwise Docker, then Podman.
/// </summary>
internal static class ContainerRuntime
{
    private static readonly Lazy<string?> UnavailableReason = new(Probe);

    /// <summary>Why full-stack tests cannot run here, or null when a runtime answered <c>info</c>.</summary>
    public static string? WhyUnavailable => UnavailableReason.Value;

    private static string? Probe()
    {
        var configured = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
            ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME");
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["docker", "podman"];

        return candidates.Any(StartupCheck.RuntimeAnswers)
            ? null
            : $"Full-stack tests need a running container runtime; `{string.Join("` and `", candidates.Select(c => $"{c} info"))}` "
              + "did not succeed. Start Docker or Podman (for Podman set ASPIRE_CONTAINER_RUNTIME=podman).";
    }
}
