using Microsoft.Extensions.Logging;

namespace Canvas.AppHost.Ollama;

/// <summary>
/// Brings a model onto its Ollama server once the server is ready, showing each step as the model resource's state on
/// the dashboard: <c>Checking</c>, <c>Downloading … 42%</c>, then <c>Running</c>, or <c>FailedToStart</c> with Ollama's
/// message in the resource's log, so that whatever waits for the model stops waiting instead of hanging.
/// </summary>
/// <param name="api">Ollama's HTTP API.</param>
/// <param name="notifications">Where the model's state is published.</param>
/// <param name="logger">The model resource's log, shown as its console on the dashboard.</param>
public sealed partial class OllamaModelDownload(OllamaApi api, ResourceNotificationService notifications, ILogger logger)
{
    /// <summary>Makes sure <paramref name="model"/> is on the server at <paramref name="endpoint"/>, pulling it if not.</summary>
    /// <param name="model">The model resource.</param>
    /// <param name="endpoint">The server's root address.</param>
    /// <param name="cancellationToken">Stops the download (the AppHost is shutting down).</param>
    /// <returns>True when the model is on the server.</returns>
    public async Task<bool> RunAsync(OllamaModelResource model, Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(model, $"Checking {model.ModelName}", KnownResourceStateStyles.Info).ConfigureAwait(false);
            if (await api.HasModelAsync(endpoint, model.ModelName, cancellationToken).ConfigureAwait(false))
            {
                LogAlreadyPresent(logger, model.ModelName);
                return await PublishRunningAsync(model).ConfigureAwait(false);
            }

            LogPulling(logger, model.ModelName);
            var shownPercent = -1;
            await foreach (var progress in api.PullAsync(endpoint, model.ModelName, cancellationToken).ConfigureAwait(false))
            {
                if (progress.Error is { } error)
                {
                    return await FailAsync(model, error).ConfigureAwait(false);
                }

                // Ollama reports every few kilobytes; the dashboard needs a new state only when the number changes.
                if (progress.Percent is { } percent && percent != shownPercent)
                {
                    shownPercent = percent;
                    await PublishAsync(model, $"Downloading {model.ModelName} {percent}%", KnownResourceStateStyles.Info).ConfigureAwait(false);
                }
            }

            if (!await api.HasModelAsync(endpoint, model.ModelName, cancellationToken).ConfigureAwait(false))
            {
                return await FailAsync(model, "the pull ended but Ollama does not list the model").ConfigureAwait(false);
            }

            LogPulled(logger, model.ModelName);
            return await PublishRunningAsync(model).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException)
        {
            return await FailAsync(model, exception.Message).ConfigureAwait(false);
        }
    }

    private async Task<bool> PublishRunningAsync(OllamaModelResource model)
    {
        await PublishAsync(model, KnownResourceStates.Running, KnownResourceStateStyles.Success).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> FailAsync(OllamaModelResource model, string message)
    {
        LogPullFailed(logger, model.ModelName, message);
        await notifications.PublishUpdateAsync(model, state => state with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error),
            Properties = [.. state.Properties.Where(p => p.Name != ErrorProperty), new(ErrorProperty, message)],
        }).ConfigureAwait(false);
        return false;
    }

    private Task PublishAsync(OllamaModelResource model, string state, string style) =>
        notifications.PublishUpdateAsync(model, snapshot => snapshot with { State = new ResourceStateSnapshot(state, style) });

    /// <summary>The property that holds Ollama's message after a failed pull.</summary>
    public const string ErrorProperty = "ollama.pull.error";

    [LoggerMessage(1, LogLevel.Information, "{Model} is already on the Ollama server")]
    private static partial void LogAlreadyPresent(ILogger logger, string model);

    [LoggerMessage(2, LogLevel.Information, "Pulling {Model}; the state shows the progress")]
    private static partial void LogPulling(ILogger logger, string model);

    [LoggerMessage(3, LogLevel.Information, "Pulled {Model}")]
    private static partial void LogPulled(ILogger logger, string model);

    [LoggerMessage(4, LogLevel.Error, "Pulling {Model} failed: {Message}")]
    private static partial void LogPullFailed(ILogger logger, string model, string message);
}
