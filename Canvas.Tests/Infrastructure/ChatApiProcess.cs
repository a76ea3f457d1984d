namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A built Canvas.ChatApi in a process of its own on a loopback port, as a replica runs in production: its own build
/// output and working directory, the Production environment and only the settings the caller gives it. It can be
/// killed with SIGKILL mid-answer, which no in-process host can do. Used by the chaos run and the fault tests.
/// </summary>
public sealed class ChatApiProcess : IAsyncDisposable
{
    private readonly ServiceProcess _service;

    private ChatApiProcess(ServiceProcess service) => _service = service;

    /// <summary>Gets the name given at start, e.g. <c>chatapi-2#3</c>, for messages.</summary>
    public string Name => _service.Name;

    /// <summary>Gets the address the instance listens on.</summary>
    public Uri Address => _service.Address;

    /// <summary>Gets the process's id.</summary>
    public int ProcessId => _service.ProcessId;

    /// <summary>Gets whether the process has exited (or was killed).</summary>
    public bool HasExited => _service.HasExited;

    /// <summary>Gets everything the process wrote so far.</summary>
    public string Output => _service.Output;

    /// <summary>
    /// Starts <c>dotnet Canvas.ChatApi.dll</c> with <paramref name="settings"/> as environment variables (configuration
    /// keys, <c>:</c> written as <c>__</c>) and waits until it answers HTTP.
    /// </summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="settings">Configuration keys and values, e.g. <c>ConnectionStrings:redis</c>.</param>
    /// <exception cref="InvalidOperationException">The process exited or did not answer in time; carries its output.</exception>
    public static async Task<ChatApiProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var environment = settings.ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return new ChatApiProcess(await ServiceProcess.StartAsync(name, "Canvas.ChatApi", environment));
    }

    /// <summary>Kills the process with SIGKILL: no shutdown, no last heartbeat, no terminal event.</summary>
    public Task KillAsync() => _service.KillAsync();

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
