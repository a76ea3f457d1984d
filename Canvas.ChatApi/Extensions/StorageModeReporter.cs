namespace Canvas.ChatApi.Extensions;

/// <summary>Says at start-up where generations and conversations are kept, so a single-instance setup is visible.</summary>
/// <param name="logger">The logger.</param>
/// <param name="redisEndpoints">The Redis endpoints, or null for in-process storage.</param>
internal sealed partial class StorageModeReporter(ILogger<StorageModeReporter> logger, string? redisEndpoints) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redisEndpoints is null)
        {
            LogInProcess();
        }
        else
        {
            LogRedis(redisEndpoints);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "No ConnectionStrings:redis: generations, conversations and tickets are kept in this process; run a single instance only")]
    private partial void LogInProcess();

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Generations, conversations and tickets are kept in Redis at {Endpoints}")]
    private partial void LogRedis(string endpoints);
}
