using Microsoft.Extensions.DependencyInjection;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// A test class with its own fake upstreams and one in-process ChatApi instance wired to them, started before its
/// first test and stopped after its last.
/// </summary>
public abstract class ChatApiTest : IAsyncLifetime
{
    protected ChatEnvironment Environment { get; private set; } = null!;

    protected ChatApiHost Api { get; private set; } = null!;

    /// <summary>Gets settings on top of <see cref="ChatEnvironment"/>'s, for the class's instance.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Environment = await ChatEnvironment.StartAsync();
        Api = Environment.StartInstance(Settings, ConfigureServices);
    }

    public async Task DisposeAsync() => await Environment.DisposeAsync();

    /// <summary>Adds services to the class's instance, e.g. a span exporter.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }
}
