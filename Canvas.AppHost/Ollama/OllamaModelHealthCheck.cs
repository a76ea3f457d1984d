using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Canvas.AppHost.Ollama;

/// <summary>Healthy only when the model's server lists the model, so that a project waiting for it starts after the pull.</summary>
/// <param name="api">Ollama's HTTP API.</param>
/// <param name="model">The model resource.</param>
internal sealed class OllamaModelHealthCheck(OllamaApi api, OllamaModelResource model) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var endpoint = new Uri(model.Parent.PrimaryEndpoint.Url);
            return await api.HasModelAsync(endpoint, model.ModelName, cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Ollama does not list {model.ModelName} yet");
        }
        catch (HttpRequestException exception)
        {
            return HealthCheckResult.Unhealthy("Ollama did not answer", exception);
        }
    }
}
