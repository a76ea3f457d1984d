using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>Reports whether Redis answers a PING; the service is not ready to stream without it.</summary>
/// <param name="connection">The process's one multiplexer.</param>
internal sealed class RedisHealthCheck(IConnectionMultiplexer connection) : IHealthCheck
{
    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }
        catch (TimeoutException exception)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer in time.", exception);
        }
    }
}
