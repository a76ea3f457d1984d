namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// A fact that is skipped, with the reason, where no container runtime answers. xUnit 2 has no dynamic skip, and a
/// skip decided at discovery keeps the test out of the failure count instead of passing vacuously.
/// </summary>
public sealed class RequiresContainerRuntimeFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when <see cref="ContainerRuntime.WhyUnavailable"/> says so.</summary>
    public RequiresContainerRuntimeFactAttribute()
    {
        if (ContainerRuntime.WhyUnavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
