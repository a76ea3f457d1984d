namespace Canvas.Tests.Infrastructure;

/// <summary>Finds a sibling project's own build output from the running assembly's.</summary>
public static class BuildOutput
{
    /// <summary>
    /// The output directory of <paramref name="project"/> (e.g. <c>Canvas.ChatApi/bin/Release/net10.0</c>) for the same
    /// configuration and target framework as the running project, whichever that is (the tests or the benchmarks). The
    /// copy next to the running assembly is no substitute: every web project there writes its <c>appsettings.json</c>
    /// to the same file.
    /// </summary>
    /// <exception cref="InvalidOperationException">No project folder above the running assembly, or no build there.</exception>
    public static string DirectoryOf(string project)
    {
        var running = AppContext.BaseDirectory;
        var projectFolder = new DirectoryInfo(running);
        while (projectFolder is not null && projectFolder.GetFiles("*.csproj").Length == 0)
        {
            projectFolder = projectFolder.Parent;
        }

        if (projectFolder?.Parent is null)
        {
            throw new InvalidOperationException($"No project folder above {running}: cannot find the build output of {project}.");
        }

        var directory = Path.Combine(projectFolder.Parent.FullName, project, Path.GetRelativePath(projectFolder.FullName, running));
        return File.Exists(Path.Combine(directory, $"{project}.dll"))
            ? directory
            : throw new InvalidOperationException($"{project}.dll is not in {directory}; build the solution (a project that references {project} builds it there).");
    }
}
