using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence, started once for the
/// <see cref="RedisCollection"/> and killed when it ends. Tests isolate themselves with unique key prefixes.
/// </summary>
/// <remarks>The fixture never installs Redis: CI and developers install the Debian package <c>redis-server</c>.</remarks>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder output = new();
    private Process? server;

    /// <summary>Gets the port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Gets a StackExchange.Redis connection string for the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Opens a new multiplexer: each one stands for one ChatApi replica.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync(ConnectionString).WaitAsync(TimeSpan.FromSeconds(10));

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var executable = FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. The Redis tests run a real server: install the Debian package " +
            "with `apt-get install -y redis-server` (CI does this in .ci/run).");

        // A free port can be taken between probing and binding by another process; try a few.
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            Port = FindFreePort();
            server = Start(executable, Port);
            if (await AnswersPingAsync(server, Port))
            {
                return;
            }

            Stop();
        }

        throw new InvalidOperationException(
            $"redis-server did not answer PING after {StartAttempts} attempts. Its output:{Environment.NewLine}{Output()}");
    }

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private Process Start(string executable, int port)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--save", "", "--appendonly", "no", "--port", port.ToString(), "--bind", "127.0.0.1" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> AnswersPingAsync(Process process, int port)
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        while (!deadline.IsCancellationRequested && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), deadline.Token);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, deadline.Token);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (IOException)
            {
                // Accepted but closed while starting up.
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return false;
    }

    private void Stop()
    {
        if (server is null)
        {
            return;
        }

        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(TimeSpan.FromSeconds(10));
        }

        server.Dispose();
        server = null;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>The tests that share one <see cref="RedisServerFixture"/>; they run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>The collection's name, for <c>[Collection(RedisCollection.Name)]</c>.</summary>
    public const string Name = "redis";
}
