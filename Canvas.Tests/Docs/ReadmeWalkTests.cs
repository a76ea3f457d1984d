using System.Diagnostics;
using System.Net;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Docs;

/// <summary>
/// The README's walks. "Run the ChatApi alone": <c>dotnet user-jwts create --project Canvas.ChatApi</c> writes its
/// signing key to the user's secrets and its <c>Authentication:Schemes:Bearer</c> settings to
/// <c>appsettings.Development.json</c>, which already holds exactly what it writes, so no tracked file changes.
/// "Run the UI without Aspire": a Development ChatApi with the shared signing key trusts the frontend's users.
/// </summary>
public sealed class ReadmeWalkTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    // The project's files the tool reads or may write, and what MSBuild needs to evaluate the project.
    private static readonly string[] Copied =
    [
        "global.json", "Directory.Build.props", "Directory.Packages.props", "Canvas.ChatApi/Canvas.ChatApi.csproj",
        "Canvas.ChatApi/appsettings.json", "Canvas.ChatApi/appsettings.Development.json", "Canvas.ChatApi/Properties/launchSettings.json",
    ];

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("canvas-user-jwts-");

    [Fact]
    public async Task UserJwtsCreate_AsTheReadmeRunsIt_PrintsATokenAndLeavesTheProjectsFilesAsTheyWere()
    {
        // Arrange: the files in a folder of their own, and a home of its own for the user secrets.
        var repository = Path.Combine(_work.FullName, "repository");
        var home = Directory.CreateDirectory(Path.Combine(_work.FullName, "home")).FullName;
        foreach (var file in Copied)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(repository, file))!);
            File.Copy(Path.Combine(RepositoryRoot(), file), Path.Combine(repository, file));
        }

        var before = Copied.ToDictionary(file => file, file => File.ReadAllBytes(Path.Combine(repository, file)));

        // Act
        var (exitCode, output) = await RunAsync(repository, home, "user-jwts", "create", "--project", "Canvas.ChatApi", "--name", "alice");

        // Assert
        Assert.True(exitCode == 0, output);
        Assert.Contains("Token: ", output);
        Assert.All(Copied, file => Assert.True(before[file].AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(repository, file))),
            $"dotnet user-jwts changed {file}:\n{File.ReadAllText(Path.Combine(repository, file))}"));
    }

    [Fact]
    public async Task UiWithoutAspire_AsTheReadmeRunsIt_TheDevelopmentChatApiTrustsTheFrontendsSignIn()
    {
        // Arrange: both services in Development with only the README's variables (and a port of their own each).
        const string SigningKey = "a-shared-secret-of-at-least-32-characters!";
        await using var chatApi = await ServiceProcess.StartAsync("chatapi", "Canvas.ChatApi", Development(new() { ["Canvas__Auth__SigningKey"] = SigningKey }));
        await using var webFrontend = await ServiceProcess.StartAsync("webfrontend", "Canvas.WebFrontend", Development(new()
        {
            ["Canvas__Auth__SigningKey"] = SigningKey,
            ["services__chatapi__http__0"] = chatApi.Address.GetLeftPart(UriPartial.Authority),
        }));
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = webFrontend.Address, Timeout = HangGuard };

        // Act
        using var page = await browser.GetAsync("/");
        using var agents = await browser.GetAsync("/api/agents");

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(agents.StatusCode == HttpStatusCode.OK, $"{agents.StatusCode}: {await agents.Content.ReadAsStringAsync()}\n{chatApi.Describe()}\n{webFrontend.Describe()}");
        Assert.Contains("\"id\":\"local\"", await agents.Content.ReadAsStringAsync());
    }

    public void Dispose() => _work.Delete(recursive: true);

    // ServiceProcess passes PATH, HOME, DOTNET_ROOT and TMPDIR through, as a shell would.
    private static Dictionary<string, string> Development(Dictionary<string, string> variables)
    {
        variables["ASPNETCORE_ENVIRONMENT"] = "Development";
        return variables;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, string home, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_HOME"] = home;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Canvas.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Canvas.Aspire.sln above {AppContext.BaseDirectory}: the test reads the repository's own files.");
    }
}
