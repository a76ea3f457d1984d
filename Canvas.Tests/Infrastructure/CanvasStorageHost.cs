using Canvas.ChatApi.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Canvas.Tests.Infrastructure;

/// <summary>A host with nothing but ChatApi's storage (<c>AddCanvasStorage</c>), for tests of how it connects and reports health.</summary>
public static class CanvasStorageHost
{
    /// <summary>Builds the host, unstarted.</summary>
    /// <param name="settings">Its configuration, e.g. <c>ConnectionStrings:redis</c>.</param>
    /// <returns>The host.</returns>
    public static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddCanvasStorage();
        return builder.Build();
    }
}
