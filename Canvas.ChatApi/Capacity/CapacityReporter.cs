namespace Canvas.ChatApi.Capacity;

/// <summary>
/// Says at start-up how many answers this instance can run at once, and warns when its open-file limit allows fewer
/// than <see cref="WarnBelowAnswers"/>: starts beyond are refused, and only the limit's owner can raise it.
/// </summary>
/// <param name="capacity">The instance's capacity.</param>
/// <param name="logger">The logger.</param>
internal sealed partial class CapacityReporter(InstanceCapacity capacity, ILogger<CapacityReporter> logger) : IHostedService
{
    /// <summary>The answers at once below which the open-file limit is worth a warning: the load Canvas is measured at.</summary>
    public const int WarnBelowAnswers = 10_000;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (capacity.OpenFileLimit is not { } limit)
        {
            if (capacity.MaxAnswers is { } configured)
            {
                LogConfiguredWithoutLimit(configured);
            }
            else
            {
                LogNoLimit();
            }
        }
        else if (capacity.IsConfigured)
        {
            LogConfigured(capacity.MaxAnswers!.Value, limit, capacity.AnswersFromDescriptors!.Value);
        }
        else if (capacity.AnswersFromDescriptors < WarnBelowAnswers)
        {
            LogLowLimit(limit, capacity.AnswersFromDescriptors!.Value);
        }
        else
        {
            LogDerived(limit, capacity.AnswersFromDescriptors!.Value);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning,
        "The open-file limit {Limit} lets this instance run about {Answers} answers at once (each holds its client's and its provider's socket); starts beyond are refused with 503 server_busy. Raise LimitNOFILE or ulimit -n for more")]
    private partial void LogLowLimit(long limit, int answers);

    [LoggerMessage(2, LogLevel.Information,
        "The open-file limit {Limit} lets this instance run about {Answers} answers at once; starts beyond are refused with 503 server_busy")]
    private partial void LogDerived(long limit, int answers);

    [LoggerMessage(3, LogLevel.Information,
        "This instance runs at most {Answers} answers at once (Canvas:Limits:MaxConcurrentAnswers); its open-file limit {Limit} carries about {FromLimit}, and starts past either are refused with 503 server_busy")]
    private partial void LogConfigured(int answers, long limit, int fromLimit);

    [LoggerMessage(4, LogLevel.Information,
        "This instance runs at most {Answers} answers at once (Canvas:Limits:MaxConcurrentAnswers); starts beyond are refused with 503 server_busy")]
    private partial void LogConfiguredWithoutLimit(int answers);

    [LoggerMessage(5, LogLevel.Information, "No open-file limit is published for this process: the answers it runs at once are not capped")]
    private partial void LogNoLimit();
}
