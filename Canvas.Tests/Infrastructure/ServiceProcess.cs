using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A built Canvas service in its own process, started as the AppHost starts a project: the project's own build output,
/// its output directory as working directory, and only the environment the test gives it (plus the few variables any
/// process needs to find <c>dotnet</c>). It keeps what the process printed for failure messages and is killed on dispose.
/// </summary>
/// <remarks>
/// The service binds a port of the kernel's choosing and the address is the one it reports listening on: a port
/// chosen here and handed over could be taken by another process in between, and whatever then answered on it
/// (another test's server) would pass for this service.
/// </remarks>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    // Only guards against a process that neither answers nor exits: a busy test machine can take half a minute and
    // more to start one (seen at a load average of 50 on 2 cores).
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // DCP starts a project with the AppHost's own environment underneath Aspire's variables; these are the parts of it a
    // process cannot run without. Everything else from the test runner (ASPNETCORE_*, DOTNET_* switches…) stays out.
    private static readonly string[] PassedThrough = ["PATH", "HOME", "DOTNET_ROOT", "TMPDIR"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>Gets the resource name the service runs as, e.g. <c>chatapi</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the address the service reported listening on.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the process's id, e.g. to read what it has open under <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets whether the process has exited, by itself or killed.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet &lt;project&gt;.dll</c> on a loopback port of the kernel's choosing and waits until it says where
    /// it listens and answers HTTP there.
    /// </summary>
    /// <param name="name">The resource name, for messages.</param>
    /// <param name="project">The project, e.g. <c>Canvas.ChatApi</c>; its build output must exist.</param>
    /// <param name="environment">The whole environment but <c>ASPNETCORE_URLS</c>, which this sets.</param>
    /// <exception cref="InvalidOperationException">The process exited or did not answer in time; carries its output.</exception>
    public static async Task<ServiceProcess> StartAsync(string name, string project, IReadOnlyDictionary<string, string> environment)
    {
        var directory = BuildOutput.DirectoryOf(project);
        var service = Start(name, directory, project, environment);
        if (await service.AnswersAsync())
        {
            return service;
        }

        // Described before it is disposed: a disposed Process can no longer say how it ended.
        var description = service.Describe();
        await service.DisposeAsync();
        throw new InvalidOperationException($"{name} ({project}) did not answer within {StartTimeout.TotalSeconds} s.{Environment.NewLine}{description}");
    }

    /// <summary>The process's exit state and output, for a failure message.</summary>
    public string Describe() =>
        $"--- {Name} ({(HasExited ? $"exited with {_process.ExitCode}" : "running")}) output:{Environment.NewLine}{Output}";

    /// <summary>Kills the process and its children with SIGKILL: no shutdown, nothing more written. Its output stays readable.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var stopped = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(stopped.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static ServiceProcess Start(string name, string directory, string project, IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(directory, $"{project}.dll"));

        var inherited = PassedThrough
            .Select(variable => (variable, value: Environment.GetEnvironmentVariable(variable)))
            .Where(pair => pair.value is not null)
            .ToList();
        startInfo.Environment.Clear();
        foreach (var (variable, value) in inherited)
        {
            startInfo.Environment[variable] = value;
        }

        foreach (var (variable, value) in environment)
        {
            startInfo.Environment[variable] = value;
        }

        // The kernel's choice of port, reported by the host's lifetime log (kept at Information whatever the service's
        // own log levels say).
        startInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        startInfo.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var service = new ServiceProcess(name, new Process { StartInfo = startInfo });
        service._process.OutputDataReceived += (_, line) => service.Record(line.Data);
        service._process.ErrorDataReceived += (_, line) => service.Record(line.Data);
        service._process.EnableRaisingEvents = true;
        service._process.Exited += (_, _) => service._listening.TrySetCanceled();
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        return service;
    }

    // The address it reported, then any HTTP answer from /alive there: whether the service is healthy is for the test.
    private async Task<bool> AnswersAsync()
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        using var timedOut = deadline.Token.Register(() => _listening.TrySetCanceled());
        try
        {
            Address = await _listening.Task;
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        while (!deadline.IsCancellationRequested && !HasExited)
        {
            try
            {
                using var response = await client.GetAsync("/alive", deadline.Token);
                return true;
            }
            catch (HttpRequestException)
            {
                // Listening, but not serving yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One probe timed out while the process was still starting.
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        return false;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        var plain = ColorCodes().Replace(line, "");
        lock (_output)
        {
            // When the line arrived: a chaos run's instance logs are read against its fault log.
            _output.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff")).Append(' ').AppendLine(plain);
        }

        if (ListeningOn().Match(plain) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups["address"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex ListeningOn();

    // Aspire asks for colored console logs (DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION); a failure message reads
    // better without them.
    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex ColorCodes();

    // The testhost usually runs under the dotnet host itself; otherwise the SDK names it, or PATH has it.
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? Environment.ProcessPath!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
