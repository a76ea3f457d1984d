using Microsoft.Extensions.Configuration;

namespace Canvas.AppHost;

/// <summary>
/// The AppHost's configuration-dependent choices, kept here so that AppHost.cs stays a declaration.
/// </summary>
internal static class Extensions
{
    /// <summary>The Ollama model pulled when <c>Ollama:Model</c> is not set: small enough for a laptop CPU.</summary>
    public const string DefaultChatModel = "llama3.2:1b";

    /// <summary>
    /// Adds the Redis that ChatApi uses as backplane and store, named <c>redis</c>: the existing instance in
    /// <c>ConnectionStrings:redis</c> when that is set, otherwise a container that snapshots to a data volume.
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

        return builder.AddRedis(name)
            .WithDataVolume()
            .WithPersistence();
    }

    /// <summary>
    /// Adds the chat model for the Ollama agent, named <c>chat-model</c> (connection string <c>Endpoint=…;Model=…</c>):
    /// the existing instance in <c>ConnectionStrings:chat-model</c> when that is set, otherwise an Ollama container
    /// with a data volume that pulls <c>Ollama:Model</c> (default <see cref="DefaultChatModel"/>) on first run.
    /// <c>Ollama:UseGpu</c> (default false) passes the GPU of <c>Ollama:GpuVendor</c> (default Nvidia) through.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <returns>The resource ChatApi references; for the container, its health turns green once the model is pulled.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddCanvasChatModel(this IDistributedApplicationBuilder builder)
    {
        const string name = "chat-model";
        if (HasConnectionString(builder, name))
        {
            return builder.AddConnectionString(name);
        }

        var ollama = builder.AddOllama("ollama")
            .WithDataVolume()
            .WithUrlForEndpoint("http", url => url.DisplayText = "Ollama API");

        if (builder.Configuration.GetValue("Ollama:UseGpu", false))
        {
            ollama.WithGPUSupport(builder.Configuration.GetValue("Ollama:GpuVendor", OllamaGpuVendor.Nvidia));
        }

        return ollama.AddModel(name, builder.Configuration["Ollama:Model"] ?? DefaultChatModel);
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
    /// Runs as many replicas as the configuration key says (default 1); the <c>two-replicas</c> launch profile sets 2
    /// to show fan-out and resume across replicas.
    /// </summary>
    /// <param name="project">The project to replicate.</param>
    /// <param name="configurationKey">The AppHost configuration key, e.g. <c>ChatApi:Replicas</c>.</param>
    /// <returns>The same project builder.</returns>
    public static IResourceBuilder<ProjectResource> WithReplicasFromConfiguration(
        this IResourceBuilder<ProjectResource> project, string configurationKey) =>
        project.WithReplicas(project.ApplicationBuilder.Configuration.GetValue(configurationKey, 1));

    private static bool HasConnectionString(IDistributedApplicationBuilder builder, string name) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name));
}
