using Canvas.AppHost.Dependencies;
using Canvas.AppHost.Ollama;
using Microsoft.Extensions.Configuration;

namespace Canvas.AppHost;

/// <summary>
/// The AppHost's configuration-dependent choices, kept here so that AppHost.cs stays a declaration.
/// </summary>
internal static class Extensions
{
    /// <summary>The Ollama model pulled when <c>Ollama:Model</c> is not set: small enough for a laptop CPU.</summary>
    public const string DefaultChatModel = "llama3.2:1b";

    /// <summary>Where local-mode dependencies keep their data, under the AppHost's folder (git-ignored).</summary>
    public const string LocalDataFolder = ".local";

    /// <summary>
    /// Adds the Redis that ChatApi uses as backplane and store, named <c>redis</c>: the existing instance in
    /// <c>ConnectionStrings:redis</c> when that is set; otherwise a container that snapshots to a data volume, or in
    /// <see cref="DependencyMode.Local"/> a <c>redis-server</c> from PATH.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <returns>The resource ChatApi references.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddCanvasRedis(this IDistributedApplicationBuilder builder)
    {
        const string name = "redis";
        if (HasConnectionString(builder, name))
        {
            return builder.AddConnectionString(name);
        }

        if (ModeOf(builder) == DependencyMode.Local)
        {
            return builder.AddRedisLocal(name, LocalDataDirectory(builder, name));
        }

        return builder.AddRedis(name)
            .WithDataVolume()
            .WithPersistence();
    }

    /// <summary>
    /// Adds the chat model for the Ollama agent, named <c>chat-model</c> (connection string <c>Endpoint=…;Model=…</c>):
    /// the existing instance in <c>ConnectionStrings:chat-model</c> when that is set; otherwise an Ollama server, a
    /// container with a data volume or in <see cref="DependencyMode.Local"/> <c>ollama serve</c> from PATH, that
    /// pulls <c>Ollama:Model</c> (default <see cref="DefaultChatModel"/>) on start. <c>Ollama:UseGpu</c> (default
    /// false) passes the container the GPU of <c>Ollama:GpuVendor</c> (default Nvidia).
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <returns>The resource ChatApi references; it turns healthy once the model is on the server.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddCanvasChatModel(this IDistributedApplicationBuilder builder)
    {
        const string name = "chat-model";
        if (HasConnectionString(builder, name))
        {
            return builder.AddConnectionString(name);
        }

        var model = builder.Configuration["Ollama:Model"] ?? DefaultChatModel;
        if (ModeOf(builder) == DependencyMode.Local)
        {
            return builder.AddOllamaLocal("ollama", LocalDataDirectory(builder, "ollama"))
                .WithUrlForEndpoint(IOllamaResource.HttpEndpointName, url => url.DisplayText = "Ollama API")
                .AddModel(name, model);
        }

        var ollama = builder.AddOllama("ollama")
            .WithDataVolume()
            .WithUrlForEndpoint(IOllamaResource.HttpEndpointName, url => url.DisplayText = "Ollama API");

        if (builder.Configuration.GetValue("Ollama:UseGpu", false))
        {
            ollama.WithGPUSupport(builder.Configuration.GetValue("Ollama:GpuVendor", OllamaGpuVendor.Nvidia));
        }

        return ollama.AddModel(name, model);
    }

    /// <summary>
    /// References <paramref name="dependency"/> and waits until it is healthy, except for an existing instance given
    /// as a connection string: that is a parameter, not a process the AppHost runs, so there is nothing to wait for.
    /// </summary>
    /// <param name="project">The project that uses the dependency.</param>
    /// <param name="dependency">A resource from <see cref="AddCanvasRedis"/> or <see cref="AddCanvasChatModel"/>.</param>
    /// <returns>The same project builder.</returns>
    public static IResourceBuilder<ProjectResource> WithDependency(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResourceWithConnectionString> dependency)
    {
        project.WithReference(dependency);
        return dependency.Resource is ParameterResource ? project : project.WaitFor(dependency);
    }

    /// <summary>
    /// Passes the secret parameter <paramref name="parameterName"/> as <paramref name="environmentVariable"/> only when
    /// <c>Parameters:{parameterName}</c> is configured, so a provider's agents appear only when its key exists and a
    /// stack without keys never stops to ask for one.
    /// </summary>
    /// <param name="project">The project that calls the provider.</param>
    /// <param name="parameterName">The parameter, e.g. <c>openai-api-key</c>.</param>
    /// <param name="environmentVariable">The variable the service reads, e.g. <c>Canvas__Providers__OpenAI__ApiKey</c>.</param>
    /// <returns>The same project builder.</returns>
    public static IResourceBuilder<ProjectResource> WithApiKeyWhenConfigured(
        this IResourceBuilder<ProjectResource> project, string parameterName, string environmentVariable)
    {
        var builder = project.ApplicationBuilder;
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{parameterName}"]))
        {
            return project;
        }

        return project.WithEnvironment(environmentVariable, builder.AddParameter(parameterName, secret: true));
    }

    /// <summary>
    /// Passes the AppHost setting <c>Providers:{provider}:Endpoint</c> to ChatApi when it is set, for an OpenAI- or
    /// Anthropic-compatible server other than the public API (a proxy, a gateway, a test double).
    /// </summary>
    /// <param name="project">The project that calls the provider.</param>
    /// <param name="provider">The provider's section name: <c>OpenAI</c> or <c>Anthropic</c>.</param>
    /// <returns>The same project builder.</returns>
    public static IResourceBuilder<ProjectResource> WithProviderEndpointWhenConfigured(
        this IResourceBuilder<ProjectResource> project, string provider)
    {
        var endpoint = project.ApplicationBuilder.Configuration[$"Providers:{provider}:Endpoint"];
        return string.IsNullOrWhiteSpace(endpoint)
            ? project
            : project.WithEnvironment($"Canvas__Providers__{provider}__Endpoint", endpoint);
    }

    /// <summary>
    /// Runs as many replicas as the configuration key says (default 1); the <c>two-replicas</c> launch profile sets 2
    /// to show fan-out and resume across replicas.
    /// </summary>
    /// <param name="project">The project to replicate.</param>
    /// <param name="configurationKey">The AppHost configuration key, e.g. <c>ChatApi:Replicas</c>.</param>
    /// <returns>The same project builder.</returns>
    public static IResourceBuilder<ProjectResource> WithReplicasFromConfiguration(
        this IResourceBuilder<ProjectResource> project, string configurationKey) =>
        project.WithReplicas(project.ApplicationBuilder.Configuration.GetValue(configurationKey, 1));

    private static DependencyMode ModeOf(IDistributedApplicationBuilder builder) =>
        builder.Configuration.GetValue("Dependencies:Mode", DependencyMode.Containers);

    private static string LocalDataDirectory(IDistributedApplicationBuilder builder, string resourceName) =>
        Path.Combine(builder.AppHostDirectory, LocalDataFolder, resourceName);

    private static bool HasConnectionString(IDistributedApplicationBuilder builder, string name) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name));
}
