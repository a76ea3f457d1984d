using System.Diagnostics;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Backplane;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Extensions;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Canvas.Tests.Backplane;

/// <summary>How <see cref="BackplaneServiceCollectionExtensions.AddCanvasStorage{TBuilder}"/> picks and checks storage.</summary>
[Collection(RedisCollection.Name)]
public sealed class CanvasStorageRegistrationTests(RedisServerFixture redis)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // The name Aspire.StackExchange.Redis registers its health check under.
    private const string RedisClientHealthCheck = "StackExchange.Redis";

    [Fact]
    public async Task AddCanvasStorage_WithoutRedisConnectionString_UsesInProcessStorage()
    {
        // Arrange
        using var host = CanvasStorageHost.Build([]);

        // Act
        await host.StartAsync().WaitAsync(Bound);

        // Assert
        Assert.IsType<InProcessGenerationBackplane>(host.Services.GetRequiredService<IGenerationBackplane>());
        Assert.IsType<InMemoryConversationStore>(host.Services.GetRequiredService<IConversationStore>());
        Assert.IsType<InMemoryWebSocketTicketStore>(host.Services.GetRequiredService<IWebSocketTicketStore>());
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task AddCanvasStorage_WithRedisConnectionString_UsesAspiresRedisClientAndItsHealthCheck()
    {
        // Arrange
        using var host = CanvasStorageHost.Build(new() { ["ConnectionStrings:redis"] = redis.ConnectionString });

        // Act
        await host.StartAsync().WaitAsync(Bound);
        var health = await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync().WaitAsync(Bound);

        // Assert
        Assert.IsType<RedisGenerationBackplane>(host.Services.GetRequiredService<IGenerationBackplane>());
        Assert.IsType<RedisConversationStore>(host.Services.GetRequiredService<IConversationStore>());
        Assert.IsType<RedisWebSocketTicketStore>(host.Services.GetRequiredService<IWebSocketTicketStore>());
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains(RedisClientHealthCheck, health.Entries.Keys);
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task AddCanvasStorage_OnceTheFirstConfigurationIsOver_CommandsWaitThroughABlipInsteadOfFailing()
    {
        // Arrange: until then they fail at once (FailFastUntilConfiguredRedisDefaults says why).
        using var host = CanvasStorageHost.Build(new() { ["ConnectionStrings:redis"] = redis.ConnectionString });
        await host.StartAsync().WaitAsync(Bound);

        // Act
        await host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().PingAsync().WaitAsync(Bound);
        var options = host.Services.GetRequiredService<IOptions<ConfigurationOptions>>().Value;
        var waited = Stopwatch.StartNew();
        while (options.BacklogPolicy != BacklogPolicy.Default && waited.Elapsed < Bound)
        {
            await Task.Delay(50);
        }

        // Assert
        Assert.Same(BacklogPolicy.Default, options.BacklogPolicy);
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task AddCanvasStorage_BindsBackplaneOptionsFromConfiguration()
    {
        // Arrange
        using var host = CanvasStorageHost.Build(new()
        {
            ["Canvas:Backplane:Retention"] = "00:10:00",
            ["Canvas:Backplane:OwnerTimeout"] = "00:00:30",
            ["Canvas:Backplane:KeyPrefix"] = "canvas-test",
        });

        // Act
        await host.StartAsync().WaitAsync(Bound);
        var options = host.Services.GetRequiredService<IOptions<BackplaneOptions>>().Value;

        // Assert
        Assert.Equal(TimeSpan.FromMinutes(10), options.Retention);
        Assert.Equal(TimeSpan.FromSeconds(30), options.OwnerTimeout);
        Assert.Equal("canvas-test", options.KeyPrefix);
        await host.StopAsync().WaitAsync(Bound);
    }

    [Theory]
    [InlineData("OwnerTimeout", "00:00:01", "HeartbeatInterval")]
    [InlineData("Retention", "00:00:00", "Retention")]
    [InlineData("MaxEventsPerGeneration", "0", "MaxEventsPerGeneration")]
    [InlineData("KeyPrefix", "canvas{x}", "KeyPrefix")]
    public async Task AddCanvasStorage_InvalidBackplaneOptions_FailStartNamingTheKey(string key, string value, string named)
    {
        // Arrange
        using var host = CanvasStorageHost.Build(new() { [$"Canvas:Backplane:{key}"] = value });

        // Act
        var start = () => host.StartAsync().WaitAsync(Bound);

        // Assert
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(start);
        Assert.Contains($"Canvas:Backplane:{named}", failure.Message);
    }
}
