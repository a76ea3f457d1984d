using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A built Canvas.ChatApi in a process of its own on a free loopback port, as a replica runs in production: its own
/// build output and working directory, and only the settings the caller gives it. It can be killed with SIGKILL
/// mid-answer, which no in-process host can do. Used by the chaos run, in the tests and in Canvas.Benchmarks.
/// </summary>
public sealed class ChatApiProcess : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // What a process cannot run without; nothing else of the caller's environment (ASPNETCORE_*, DOTNET_*…) leaks in.
    private static readonly string[] PassedThrough = ["PATH", "HOME", "DOTNET_ROOT", "TMPDIR"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChatApiProcess(string name, Uri address, Process process)
    {
        Name = name;
        Address = address;
        _process = process;
    }

    /// <summary>Gets the name given at start, e.g. <c>chatapi-2#3</c>, for messages.</summary>
    public string Name { get; }

    /// <summary>Gets the address the instance listens on.</summary>
    public Uri Address { get; }

    /// <summary>Gets whether the process has exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets everything the process wrote so far.</summary>
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
    /// Starts <c>dotnet Canvas.ChatApi.dll</c> with <paramref name="settings"/> as environment variables (configuration
    /// keys, <c>:</c> written as <c>__</c>) and waits until it answers HTTP.
    /// </summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="settings">Configuration keys and values, e.g. <c>ConnectionStrings:redis</c>.</param>
    /// <exception cref="InvalidOperationException">The process exited or did not answer in time; carries its output.</exception>
    public static async Task<ChatApiProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var directory = BuildOutput.DirectoryOf("Canvas.ChatApi");
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePort()}");
            var instance = Start(name, directory, address, settings);
            if (await instance.AnswersAsync())
            {
                return instance;
            }

            var output = instance.Output;
            await instance.DisposeAsync();
            if (attempt == StartAttempts || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{name} did not answer on {address} within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{output}");
            }
        }
    }

    /// <summary>Kills the process with SIGKILL: no shutdown, no last heartbeat, no terminal event.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
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

    private static ChatApiProcess Start(string name, string directory, Uri address, IReadOnlyDictionary<string, string> settings)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(directory, "Canvas.ChatApi.dll"));
        var inherited = PassedThrough
            .Select(variable => (variable, value: Environment.GetEnvironmentVariable(variable)))
            .Where(pair => pair.value is not null)
            .ToList();
        startInfo.Environment.Clear();
        foreach (var (variable, value) in inherited)
        {
            startInfo.Environment[variable] = value;
        }

        startInfo.Environment["ASPNETCORE_URLS"] = address.GetLeftPart(UriPartial.Authority);
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var instance = new ChatApiProcess(name, address, new Process { StartInfo = startInfo });
        instance._process.OutputDataReceived += (_, line) => instance.Record(line.Data);
        instance._process.ErrorDataReceived += (_, line) => instance.Record(line.Data);
        instance._process.Start();
        instance._process.BeginOutputReadLine();
        instance._process.BeginErrorReadLine();
        return instance;
    }

    // Any answer from /alive means Kestrel listens; readiness (Redis) is for the caller to check on /health.
    private async Task<bool> AnswersAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync("/alive");
                return true;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        return false;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

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
