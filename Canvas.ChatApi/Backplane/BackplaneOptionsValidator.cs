using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Backplane;

/// <summary>Rejects <see cref="BackplaneOptions"/> that would break leases, retention or the Redis key layout.</summary>
internal sealed class BackplaneOptionsValidator : IValidateOptions<BackplaneOptions>
{
    private const string Section = BackplaneOptions.SectionName;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, BackplaneOptions options)
    {
        var failures = new List<string>();
        RequirePositive(options.Retention, nameof(options.Retention), failures);
        RequirePositive(options.HeartbeatInterval, nameof(options.HeartbeatInterval), failures);
        RequirePositive(options.OwnerTimeout, nameof(options.OwnerTimeout), failures);
        if (options.OwnerTimeout <= options.HeartbeatInterval)
        {
            failures.Add($"{Section}:OwnerTimeout ({options.OwnerTimeout}) must exceed {Section}:HeartbeatInterval " +
                $"({options.HeartbeatInterval}), or every live runner would be declared lost.");
        }

        if (options.MaxEventsPerGeneration < 1)
        {
            failures.Add($"{Section}:MaxEventsPerGeneration must be at least 1.");
        }

        // Braces would break the hash tags that keep one generation's keys in one cluster slot.
        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            failures.Add($"{Section}:KeyPrefix must be non-empty and contain no '{{' or '}}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(TimeSpan value, string key, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{key} must be positive.");
        }
    }
}
