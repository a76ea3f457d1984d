using Aspire.Hosting.Utils;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Canvas.AppHost.Ollama;

/// <summary>
/// Canvas's Ollama hosting integration, shaped like CommunityToolkit.Aspire.Hosting.Ollama (which this feed does not
/// serve): <c>AddOllama</c> or <c>AddOllamaLocal</c> for the server, <c>AddModel</c> for a model it pulls on start.
/// </summary>
public static class OllamaBuilderExtensions
{
    /// <summary>Adds an Ollama server in the <c>ollama/ollama</c> container, its API on an HTTP endpoint (container port 11434).</summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="port">The host port; Aspire picks a free one when null.</param>
    /// <returns>The server's builder.</returns>
    public static IResourceBuilder<OllamaResource> AddOllama(this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        return builder.AddResource(new OllamaResource(name))
            .WithImage(OllamaResource.Image, OllamaResource.Tag)
            .WithImageRegistry(OllamaResource.Registry)
            .WithIconName("BrainCircuit")
            .WithHttpEndpoint(port: port, targetPort: IOllamaResource.DefaultPort, name: IOllamaResource.HttpEndpointName)
            .WithHttpHealthCheck("/");
    }

    /// <summary>
    /// Adds an Ollama server run as <c>ollama serve</c> from PATH, for machines without a container runtime: its own port
    /// (never the 11434 of an Ollama already running there) and its models in <paramref name="dataDirectory"/>.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="dataDirectory">Where the server keeps its models (<c>OLLAMA_MODELS</c>); created when missing.</param>
    /// <returns>The server's builder.</returns>
    public static IResourceBuilder<OllamaExecutableResource> AddOllamaLocal(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);

        Directory.CreateDirectory(dataDirectory);
        var resource = new OllamaExecutableResource(name, dataDirectory);
        return builder.AddResource(resource)
            .WithArgs("serve")
            .WithIconName("BrainCircuit")
            .WithHttpEndpoint(name: IOllamaResource.HttpEndpointName)
            .WithEnvironment(context =>
            {
                var endpoint = resource.PrimaryEndpoint;
                context.EnvironmentVariables["OLLAMA_HOST"] = ReferenceExpression.Create(
                    $"{endpoint.EndpointAnnotation.TargetHost}:{endpoint.Property(EndpointProperty.TargetPort)}");
                context.EnvironmentVariables["OLLAMA_MODELS"] = Path.GetFullPath(dataDirectory);
            })
            .WithHttpHealthCheck("/")
            .ExcludeFromManifest();
    }

    /// <summary>Keeps the server's models in a named volume at <c>/root/.ollama</c>, so they survive a restart.</summary>
    /// <param name="builder">The server's builder.</param>
    /// <param name="name">The volume name; by default one derived from the AppHost and the resource.</param>
    /// <returns>The same builder.</returns>
    public static IResourceBuilder<OllamaResource> WithDataVolume(this IResourceBuilder<OllamaResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), "/root/.ollama");
    }

    /// <summary>Gives the container the host's GPUs (the container runtime must be set up for them).</summary>
    /// <param name="builder">The server's builder.</param>
    /// <param name="vendor">Whose GPUs.</param>
    /// <returns>The same builder.</returns>
    public static IResourceBuilder<OllamaResource> WithGPUSupport(this IResourceBuilder<OllamaResource> builder, OllamaGpuVendor vendor = OllamaGpuVendor.Nvidia)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (vendor)
        {
            case OllamaGpuVendor.Nvidia:
                var runtime = builder.ApplicationBuilder.Configuration["ASPIRE_CONTAINER_RUNTIME"];
                return string.Equals(runtime, "podman", StringComparison.OrdinalIgnoreCase)
                    ? builder.WithContainerRuntimeArgs("--device", "nvidia.com/gpu=all")
                    : builder.WithContainerRuntimeArgs("--gpus", "all");
            case OllamaGpuVendor.AMD:
                return builder.WithImageTag(OllamaResource.Tag + "-rocm").WithContainerRuntimeArgs("--device", "/dev/kfd", "--device", "/dev/dri");
            default:
                throw new ArgumentOutOfRangeException(nameof(vendor), vendor, "Unknown GPU vendor.");
        }
    }

    /// <summary>
    /// Adds a model the server pulls once it is ready. The model's state on the dashboard shows the pull; it turns
    /// healthy only when the server lists the model, and a failed pull leaves it <c>FailedToStart</c> with Ollama's message.
    /// </summary>
    /// <param name="builder">The server's builder.</param>
    /// <param name="name">The resource name, also the connection string's name.</param>
    /// <param name="modelName">The Ollama model, for example <c>llama3.2:1b</c>.</param>
    /// <returns>The model's builder.</returns>
    public static IResourceBuilder<OllamaModelResource> AddModel(
        this IResourceBuilder<IOllamaResource> builder, [ResourceName] string name, string modelName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);

        var model = new OllamaModelResource(name, modelName, builder.Resource);
        var services = builder.ApplicationBuilder.Services;
        services.AddHttpClient<OllamaApi>();

        var healthCheckKey = $"{name}-model";
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, sp => new OllamaModelHealthCheck(sp.GetRequiredService<OllamaApi>(), model), failureStatus: null, tags: null));

        builder.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(builder.Resource, (@event, cancellationToken) =>
        {
            var download = new OllamaModelDownload(
                @event.Services.GetRequiredService<OllamaApi>(),
                @event.Services.GetRequiredService<ResourceNotificationService>(),
                @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(model));
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

            // A pull can take many minutes; the server's readiness must not wait for it.
            _ = Task.Run(async () => await download.RunAsync(model, new Uri(model.Parent.PrimaryEndpoint.Url), stopping).ConfigureAwait(false), stopping);
            return Task.CompletedTask;
        });

        return builder.ApplicationBuilder.AddResource(model)
            .WithIconName("Cube")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "OllamaModel",
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, modelName)],
            })
            .WithHealthCheck(healthCheckKey);
    }
}
