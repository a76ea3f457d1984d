using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Hosting;

/// <summary>
/// A built Canvas service in its own process, started as the AppHost starts a project: the project's own build output,
/// its output directory as working directory, and only the environment the test gives it (plus the few variables any
/// process needs to find <c>dotnet</c>). It keeps what the process printed for failure messages and is killed on dispose.
/// </summary>
/// <remarks>
/// <see cref="ChatApiProcess"/> starts ChatApi replicas for the chaos run the same way; what it adds (configuration keys
/// as variables, <c>ASPNETCORE_URLS</c> and the Production environment) fits in the environment given here, so it can
/// become a thin wrapper of this class.
/// </remarks>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int StartAttempts = 3;
    // Only guards against a process that neither answers nor exits: a busy test machine can take half a minute and
    // more to start one (seen at a load average of 50 on 2 cores).
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // DCP starts a project with the AppHost's own environment underneath Aspire's variables; these are the parts of it a
    // process cannot run without. Everything else from the test runner (ASPNETCORE_*, DOTNET_* switches…) stays out.
    private static readonly string[] PassedThrough = ["PATH", "HOME", "DOTNET_ROOT", "TMPDIR"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(string name, Uri address, Process process)
    {
        Name = name;
        Address = address;
        _process = process;
    }

    /// <summary>Gets the resource name the service runs as, e.g. <c>chatapi</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the address the service listens on (what <c>ASPNETCORE_URLS</c> says).</summary>
    public Uri Address { get; }

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
    /// Starts <c>dotnet &lt;project&gt;.dll</c> on a free loopback port and waits until it answers HTTP. A port taken
    /// between choosing and binding it is retried on another.
    /// </summary>
    /// <param name="name">The resource name, for messages.</param>
    /// <param name="project">The project, e.g. <c>Canvas.ChatApi</c>; its build output must exist.</param>
    /// <param name="environmentFor">The whole environment for the address the service is to listen on.</param>
    /// <exception cref="InvalidOperationException">The process exited or did not answer in time; carries its output.</exception>
    public static async Task<ServiceProcess> StartAsync(string name, string project, Func<Uri, IReadOnlyDictionary<string, string>> environmentFor)
    {
        var directory = BuildOutput.DirectoryOf(project);
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://localhost:{FreePort()}");
            var service = Start(name, directory, project, address, environmentFor(address));
            if (await service.AnswersAsync())
            {
                return service;
            }

            // Described before it is disposed: a disposed Process can no longer say how it ended.
            var description = service.Describe();
            await service.DisposeAsync();
            if (attempt == StartAttempts || !service.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"{name} ({project}) did not answer on {address} within {StartTimeout.TotalSeconds} s.{Environment.NewLine}{description}");
            }
        }
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

    private static ServiceProcess Start(string name, string directory, string project, Uri address, IReadOnlyDictionary<string, string> environment)
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

        var service = new ServiceProcess(name, address, new Process { StartInfo = startInfo });
        service._process.OutputDataReceived += (_, line) => service.Record(line.Data);
        service._process.ErrorDataReceived += (_, line) => service.Record(line.Data);
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        return service;
    }

    // Any HTTP answer from /alive means Kestrel listens; whether the service is healthy is for the test to assert.
    private async Task<bool> AnswersAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = new CancellationTokenSource(StartTimeout);
        while (!deadline.IsCancellationRequested && !HasExited)
        {
            try
            {
                using var response = await client.GetAsync("/alive", deadline.Token);
                return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
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

        lock (_output)
        {
            _output.AppendLine(ColorCodes().Replace(line, ""));
        }
    }

    // Aspire asks for colored console logs (DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION); a failure message reads
    // better without them.
    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex ColorCodes();

    // The testhost usually runs under the dotnet host itself; otherwise the SDK names it, or PATH has it.
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? Environment.ProcessPath!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
