using Microsoft.Extensions.Logging.Abstractions;

namespace Canvas.AppHost.Tests.Infrastructure;

/// <summary>
/// Builds Canvas.AppHost's application model without running it, so tests need no container runtime.
/// </summary>
internal static class AppModel
{
    /// <summary>How long building the model may take; it starts no process.</summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs AppHost.cs with <paramref name="configuration"/> as command-line <c>key=value</c> arguments.</summary>
    /// <param name="configuration">AppHost configuration, e.g. <c>ConnectionStrings:redis=localhost:6379</c>.</param>
    /// <returns>The builder holding the declared resources.</returns>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(params string[] configuration)
    {
        using var cts = new CancellationTokenSource(BuildTimeout);
        return await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Canvas_AppHost>(configuration, cts.Token)
            .WaitAsync(BuildTimeout, cts.Token);
    }

    /// <summary>Finds the resource named <paramref name="name"/>, failing the test when it does not exist.</summary>
    public static T Resource<T>(this IDistributedApplicationTestingBuilder builder, string name) where T : IResource =>
        Assert.IsAssignableFrom<T>(Assert.Single(builder.Resources, resource => resource.Name == name));

    /// <summary>
    /// The environment the AppHost gives <paramref name="resource"/>, evaluated in publish mode so that references stay
    /// unresolved expressions such as <c>{redis.connectionString}</c> and nothing has to run.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(IResource resource) =>
        (await ExecutionConfigurationAsync(resource)).EnvironmentVariables.ToDictionary();

    /// <summary>The command-line arguments the AppHost gives <paramref name="resource"/>, evaluated as <see cref="EnvironmentAsync"/> is.</summary>
    public static async Task<IReadOnlyList<string>> ArgumentsAsync(IResource resource) =>
        [.. (await ExecutionConfigurationAsync(resource)).Arguments.Select(argument => argument.Value)];

    private static async Task<IExecutionConfigurationResult> ExecutionConfigurationAsync(IResource resource)
    {
        using var cts = new CancellationTokenSource(BuildTimeout);
        return await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, cts.Token)
            .WaitAsync(BuildTimeout, cts.Token);
    }

    /// <summary>The names of the resources <paramref name="resource"/> waits for before it starts, with how it waits.</summary>
    public static IReadOnlyDictionary<string, WaitType> Waits(IResource resource) =>
        resource.TryGetAnnotationsOfType<WaitAnnotation>(out var waits)
            ? waits.ToDictionary(wait => wait.Resource.Name, wait => wait.WaitType)
            : new Dictionary<string, WaitType>();
}
