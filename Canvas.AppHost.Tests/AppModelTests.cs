using Canvas.AppHost.Dependencies;
using Canvas.AppHost.Ollama;
using Canvas.AppHost.Tests.Infrastructure;

namespace Canvas.AppHost.Tests;

/// <summary>
/// What Canvas.AppHost declares, read from its application model: no container runtime and no process needed.
/// </summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task Default_DeclaresRedisOllamaTheModelBothServicesAndTheSigningKey()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var names = builder.Resources.Select(resource => resource.Name).ToHashSet();

        // Assert
        Assert.Superset(new HashSet<string> { "redis", "ollama", "chat-model", "chatapi", "webfrontend", "jwt-signing-key" }, names);
        Assert.DoesNotContain("openai-api-key", names);
        Assert.DoesNotContain("anthropic-api-key", names);
    }

    [Fact]
    public async Task Redis_Default_IsAContainerWithADataVolume()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var redis = builder.Resource<ContainerResource>("redis");

        // Assert
        Assert.True(redis.TryGetContainerMounts(out var mounts));
        Assert.Contains(mounts!, mount => mount.Type == ContainerMountType.Volume && mount.Target == "/data");
    }

    [Fact]
    public async Task ChatModel_Default_IsTheSmallLlamaModelWithAHealthCheckOnItsDownload()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var model = builder.Resource<OllamaModelResource>("chat-model");

        // Assert
        Assert.Equal("llama3.2:1b", model.ModelName);
        Assert.Equal("ollama", model.Parent.Name);
        Assert.True(model.TryGetAnnotationsOfType<HealthCheckAnnotation>(out var healthChecks));
        Assert.NotEmpty(healthChecks!);
    }

    [Fact]
    public async Task ChatModel_OllamaModelConfigured_PullsThatModel()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("Ollama:Model=qwen2.5:0.5b");

        // Act
        var model = builder.Resource<OllamaModelResource>("chat-model");

        // Assert
        Assert.Equal("qwen2.5:0.5b", model.ModelName);
    }

    [Fact]
    public async Task Ollama_Default_KeepsModelsOnADataVolumeWithoutGpu()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var ollama = builder.Resource<OllamaResource>("ollama");

        // Assert
        Assert.True(ollama.TryGetContainerMounts(out var mounts));
        Assert.Contains(mounts!, mount => mount.Type == ContainerMountType.Volume && mount.Target == "/root/.ollama");
        Assert.False(ollama.HasAnnotationOfType<ContainerRuntimeArgsCallbackAnnotation>());
    }

    [Fact]
    public async Task Ollama_UseGpu_PassesTheGpuToTheContainerRuntime()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("Ollama:UseGpu=true");

        // Act
        var ollama = builder.Resource<OllamaResource>("ollama");

        // Assert
        Assert.True(ollama.HasAnnotationOfType<ContainerRuntimeArgsCallbackAnnotation>());
    }

    [Fact]
    public async Task ChatApi_Default_WaitsUntilRedisAndTheModelAreHealthy()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var waits = AppModel.Waits(builder.Resource<ProjectResource>("chatapi"));

        // Assert
        Assert.Equal(WaitType.WaitUntilHealthy, waits["redis"]);
        Assert.Equal(WaitType.WaitUntilHealthy, waits["chat-model"]);
    }

    [Fact]
    public async Task ChatApi_Environment_CarriesBothConnectionStringsAndTheSigningKey()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var environment = await AppModel.EnvironmentAsync(builder.Resource<ProjectResource>("chatapi"));

        // Assert
        Assert.Equal("{redis.connectionString}", environment["ConnectionStrings__redis"]);
        Assert.Equal("{chat-model.connectionString}", environment["ConnectionStrings__chat-model"]);
        Assert.Equal("{jwt-signing-key.value}", environment["Canvas__Auth__SigningKey"]);
        Assert.False(environment.ContainsKey("Canvas__Providers__OpenAI__ApiKey"));
        Assert.False(environment.ContainsKey("Canvas__Providers__Anthropic__ApiKey"));
    }

    [Fact]
    public async Task ChatApi_ProviderKeysConfigured_GetsThemFromSecretParameters()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync(
            "Parameters:openai-api-key=sk-test-openai", "Parameters:anthropic-api-key=sk-ant-test");

        // Act
        var environment = await AppModel.EnvironmentAsync(builder.Resource<ProjectResource>("chatapi"));

        // Assert
        Assert.Equal("{openai-api-key.value}", environment["Canvas__Providers__OpenAI__ApiKey"]);
        Assert.Equal("{anthropic-api-key.value}", environment["Canvas__Providers__Anthropic__ApiKey"]);
        Assert.True(builder.Resource<ParameterResource>("openai-api-key").Secret);
        Assert.True(builder.Resource<ParameterResource>("anthropic-api-key").Secret);
    }

    [Fact]
    public async Task ChatApi_Default_RunsOneReplica()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var replicas = builder.Resource<ProjectResource>("chatapi").GetReplicaCount();

        // Assert
        Assert.Equal(1, replicas);
    }

    [Fact]
    public async Task ChatApi_ReplicasConfigured_RunsThatManyReplicas()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("ChatApi:Replicas=2");

        // Act
        var replicas = builder.Resource<ProjectResource>("chatapi").GetReplicaCount();

        // Assert
        Assert.Equal(2, replicas);
    }

    [Fact]
    public async Task WebFrontend_Default_WaitsForChatApiAndIsExternal()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var webFrontend = builder.Resource<ProjectResource>("webfrontend");

        // Assert
        Assert.Equal(WaitType.WaitUntilHealthy, AppModel.Waits(webFrontend)["chatapi"]);
        Assert.True(webFrontend.TryGetEndpoints(out var endpoints));
        Assert.Contains(endpoints!, endpoint => endpoint.IsExternal);
    }

    [Fact]
    public async Task WebFrontend_Environment_DiscoversChatApiAndSharesTheSigningKey()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync();

        // Act
        var environment = await AppModel.EnvironmentAsync(builder.Resource<ProjectResource>("webfrontend"));

        // Assert
        // WebFrontend proxies /api to services:chatapi:http:0 (Proxy/ChatApiAddress.cs).
        Assert.True(environment.ContainsKey("services__chatapi__http__0"));
        Assert.Equal("{jwt-signing-key.value}", environment["Canvas__Auth__SigningKey"]);
    }

    [Fact]
    public async Task ExistingInstancesConfigured_RunsNoContainerAndStillPassesBothConnectionStrings()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync(
            "ConnectionStrings:redis=localhost:6379",
            "ConnectionStrings:chat-model=Endpoint=http://localhost:11434;Model=llama3.2:1b");

        // Act
        var chatApi = builder.Resource<ProjectResource>("chatapi");
        var environment = await AppModel.EnvironmentAsync(chatApi);

        // Assert
        Assert.DoesNotContain(builder.Resources, resource => resource is ContainerResource);
        Assert.Empty(AppModel.Waits(chatApi));
        Assert.Equal("{redis.connectionString}", environment["ConnectionStrings__redis"]);
        Assert.Equal("{chat-model.connectionString}", environment["ConnectionStrings__chat-model"]);
    }

    [Fact]
    public async Task Local_RunsRedisServerAndOllamaServeFromPath_WithNoContainer()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("Dependencies:Mode=Local");

        // Act
        var redis = builder.Resource<RedisExecutableResource>("redis");
        var ollama = builder.Resource<OllamaExecutableResource>("ollama");
        var model = builder.Resource<OllamaModelResource>("chat-model");

        // Assert
        Assert.DoesNotContain(builder.Resources, resource => resource is ContainerResource);
        Assert.Equal("redis-server", redis.Command);
        Assert.Equal("ollama", ollama.Command);
        Assert.Same(ollama, model.Parent);
        Assert.Equal(Path.Combine(builder.AppHostDirectory, ".local", "redis"), redis.WorkingDirectory);
        Assert.Equal(Path.Combine(builder.AppHostDirectory, ".local", "ollama"), ollama.WorkingDirectory);
    }

    [Fact]
    public async Task Local_OllamaServe_ListensOnItsOwnEndpoint_AndKeepsItsModelsUnderDotLocal()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("Dependencies:Mode=Local");
        var ollama = builder.Resource<OllamaExecutableResource>("ollama");

        // Act
        var arguments = await AppModel.ArgumentsAsync(ollama);
        var environment = await AppModel.EnvironmentAsync(ollama);

        // Assert
        Assert.Equal(["serve"], arguments);
        Assert.Equal("localhost:{ollama.bindings.http.targetPort}", environment["OLLAMA_HOST"]);
        Assert.Equal(Path.Combine(builder.AppHostDirectory, ".local", "ollama"), environment["OLLAMA_MODELS"]);
    }

    [Fact]
    public async Task Local_EachServerGetsItsOwnPort_NotTheWellKnownOne()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("Dependencies:Mode=Local");

        // Act
        var endpoints = new IResourceWithEndpoints[] { builder.Resource<RedisExecutableResource>("redis"), builder.Resource<OllamaExecutableResource>("ollama") }
            .SelectMany(resource => resource.Annotations.OfType<EndpointAnnotation>())
            .ToList();

        // Assert
        Assert.Equal(2, endpoints.Count);
        Assert.All(endpoints, endpoint => Assert.Null(endpoint.Port));
        Assert.All(endpoints, endpoint => Assert.Null(endpoint.TargetPort));
    }

    [Fact]
    public async Task ChatApi_Local_WaitsUntilRedisAndTheModelAreHealthy()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync("Dependencies:Mode=Local");

        // Act
        var waits = AppModel.Waits(builder.Resource<ProjectResource>("chatapi"));

        // Assert
        Assert.Equal(WaitType.WaitUntilHealthy, waits["redis"]);
        Assert.Equal(WaitType.WaitUntilHealthy, waits["chat-model"]);
        Assert.True(builder.Resource<RedisExecutableResource>("redis").TryGetAnnotationsOfType<HealthCheckAnnotation>(out _));
    }

    [Fact]
    public async Task ChatApi_ProviderEndpointsConfigured_GetsThem()
    {
        // Arrange
        await using var builder = await AppModel.CreateAsync(
            "Providers:OpenAI:Endpoint=http://127.0.0.1:9/v1", "Providers:Anthropic:Endpoint=http://127.0.0.1:9/");

        // Act
        var environment = await AppModel.EnvironmentAsync(builder.Resource<ProjectResource>("chatapi"));

        // Assert
        Assert.Equal("http://127.0.0.1:9/v1", environment["Canvas__Providers__OpenAI__Endpoint"]);
        Assert.Equal("http://127.0.0.1:9/", environment["Canvas__Providers__Anthropic__Endpoint"]);
    }
}
