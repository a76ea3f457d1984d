using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// One real <c>redis-server</c> on a loopback port that a test may take down and bring back: restarted on the same
/// port with its data (a <c>SHUTDOWN SAVE</c>, as in a rolling restart), paused with <c>CLIENT PAUSE</c> or
/// <c>DEBUG SLEEP</c>, or run as a Redis Cluster node. Its data lives in a temporary folder of its own.
/// </summary>
/// <remarks>The process never installs Redis: CI and developers install the Debian package <c>redis-server</c>.</remarks>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _directory = Directory.CreateTempSubdirectory("canvas-redis-").FullName;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServerProcess(int port, IReadOnlyList<string> extraArguments)
    {
        Port = port;
        _extraArguments = extraArguments;
    }

    /// <summary>Gets the port the server listens on; it keeps it across restarts.</summary>
    public int Port { get; }

    /// <summary>Gets a StackExchange.Redis endpoint for the server.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Gets what the server printed, across all its runs, for failure messages.</summary>
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

    /// <summary>Starts a standalone server on a free port.</summary>
    public static Task<RedisServerProcess> StartAsync() => StartAsync(FreePort(), []);

    /// <summary>Starts a server on <paramref name="port"/> with extra <c>redis-server</c> arguments.</summary>
    /// <param name="port">The port; a cluster node also needs <c>port + 10000</c> free for its bus.</param>
    /// <param name="extraArguments">Arguments after the defaults, e.g. <c>--cluster-enabled yes</c>.</param>
    /// <exception cref="InvalidOperationException">redis-server is missing or did not answer PING.</exception>
    public static async Task<RedisServerProcess> StartAsync(int port, IReadOnlyList<string> extraArguments)
    {
        var server = new RedisServerProcess(port, extraArguments);
        try
        {
            await server.RunAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Saves, stops and starts the server again on the same port, as a rolling restart does: every client's
    /// connection drops, commands fail until it is back, and the data it held is there again afterwards.
    /// </summary>
    /// <param name="downtime">How long the server stays down between stopping and starting.</param>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await StopAsync();
        await Task.Delay(downtime);
        await StartAgainAsync();
    }

    /// <summary>Saves the data and stops the server (<c>SHUTDOWN SAVE</c>); <see cref="StartAgainAsync"/> brings it back.</summary>
    public async Task StopAsync()
    {
        var process = _process!;
        try
        {
            await SendAsync("SHUTDOWN", "SAVE");
        }
        catch (IOException)
        {
            // The server closes the connection as it goes; that is the answer.
        }

        using (var stopped = new CancellationTokenSource(StopTimeout))
        {
            await process.WaitForExitAsync(stopped.Token);
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>Starts the stopped server again on its port, with the data it saved.</summary>
    public Task StartAgainAsync() => RunAsync();

    /// <summary>Makes the server answer no client for <paramref name="duration"/> (<c>CLIENT PAUSE … ALL</c>).</summary>
    public Task PauseClientsAsync(TimeSpan duration) =>
        SendAsync("CLIENT", "PAUSE", ((long)duration.TotalMilliseconds).ToString(), "ALL");

    /// <summary>Blocks the whole server for <paramref name="duration"/> (<c>DEBUG SLEEP</c>), as a long fork or swap does.</summary>
    public Task SleepAsync(TimeSpan duration) =>
        SendAsync("DEBUG", "SLEEP", duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Sends one command and returns the first line of the reply (e.g. <c>+OK</c>, <c>-ERR …</c>).</summary>
    public async Task<string> SendAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var command = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
        {
            command.Append($"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync() ?? throw new IOException($"redis-server on {Port} closed the connection without a reply.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var stopped = new CancellationTokenSource(StopTimeout);
                await process.WaitForExitAsync(stopped.Token);
            }

            process.Dispose();
            _process = null;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file the server still flushed; the temporary folder is left behind.
        }
    }

    /// <summary>A free loopback port whose cluster bus port (<c>+10000</c>) is free too.</summary>
    public static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port + 10000 <= IPEndPoint.MaxPort && IsFree(port + 10000) || attempt == 50)
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task RunAsync()
    {
        var executable = FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. The Redis tests run a real server: install the Debian package " +
            "with `apt-get install -y redis-server` (CI does this in .ci/run).");
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        string[] defaults =
        [
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no",
            "--enable-debug-command", "local",
        ];
        foreach (var argument in defaults.Concat(_extraArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (!await AnswersPingAsync(process))
        {
            throw new InvalidOperationException($"redis-server on {Port} did not answer PING. Its output:{Environment.NewLine}{Output}");
        }
    }

    private async Task<bool> AnswersPingAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !process.HasExited)
        {
            try
            {
                // LOADING while the dump is read back is not an answer yet.
                if ((await SendAsync("PING").WaitAsync(TimeSpan.FromSeconds(2))).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is SocketException or IOException or TimeoutException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
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

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
