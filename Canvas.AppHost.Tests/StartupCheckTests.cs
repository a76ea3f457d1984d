using Canvas.AppHost.Dependencies;
using Microsoft.Extensions.Configuration;

namespace Canvas.AppHost.Tests;

/// <summary>What the AppHost says, before anything starts, when a dependency it declares cannot run on this machine.</summary>
public sealed class StartupCheckTests
{
    [Fact]
    public void FindProblem_ExecutableNotOnPath_NamesItAndTheFixes()
    {
        // Arrange
        var model = new DistributedApplicationModel([new ExecutableResource("ollama", "canvas-no-such-ollama", ".")]);

        // Act
        var problem = StartupCheck.FindProblem(model, Configuration());

        // Assert
        Assert.NotNull(problem);
        Assert.Contains("`canvas-no-such-ollama` (resource ollama) is not on PATH", problem);
        Assert.Contains("--launch-profile local", problem);
        Assert.Contains("ConnectionStrings:ollama", problem);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void FindProblem_ContainersWithoutARuntime_SaysHowToRunWithoutContainers()
    {
        // Arrange
        var model = new DistributedApplicationModel([new ContainerResource("redis")]);

        // Act
        var problem = StartupCheck.FindProblem(model, Configuration(("ASPIRE_CONTAINER_RUNTIME", "canvas-no-such-runtime")));

        // Assert
        Assert.NotNull(problem);
        Assert.Contains("`canvas-no-such-runtime info` failed", problem);
        Assert.Contains("redis", problem);
        Assert.Contains("dotnet run --project Canvas.AppHost --launch-profile local", problem);
    }

    [Fact]
    public void FindProblem_ExecutablesOnPathAndNoContainers_FindsNothing()
    {
        // Arrange: redis-server is on PATH wherever these tests run (.ci/run installs it).
        var model = new DistributedApplicationModel([new ExecutableResource("redis", "redis-server", ".")]);

        // Act
        var problem = StartupCheck.FindProblem(model, Configuration());

        // Assert
        Assert.Null(problem);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
