using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Canvas.AppHost.Tests.FullStack;

/// <summary>
/// One ChatApi replica as Aspire runs it. Each replica is a resource instance of its own in
/// <see cref="ResourceNotificationService"/> (<c>chatapi-&lt;suffix&gt;</c>), and its snapshot holds the environment DCP
/// resolved for that process: <c>ASPNETCORE_URLS</c>, where Aspire's <c>portForServing</c> became the replica's own port
/// (the resource's URL is DCP's proxy, the same for every replica), and <c>OTEL_RESOURCE_ATTRIBUTES</c>, whose
/// <c>service.instance.id</c> every span of the replica carries.
/// </summary>
/// <param name="ResourceId">The replica's resource id, for example <c>chatapi-xjffuwaq</c>.</param>
/// <param name="InstanceId">The <c>service.instance.id</c> of the replica's telemetry.</param>
/// <param name="Address">The HTTP address the replica's Kestrel binds, past DCP's proxy.</param>
public sealed record ChatApiReplica(string ResourceId, string InstanceId, Uri Address)
{
    /// <summary>The resource name the AppHost gives ChatApi.</summary>
    public const string ResourceName = "chatapi";

    private const string InstanceIdAttribute = "service.instance.id=";

    /// <summary>
    /// Waits until <paramref name="count"/> replicas are healthy and returns them. The notification service replays
    /// each resource's latest snapshot first, so on a started stack this returns at once.
    /// </summary>
    /// <param name="notifications">The application's resource notifications.</param>
    /// <param name="count">How many replicas the AppHost runs.</param>
    /// <param name="cancellationToken">Bounds the wait; it only guards against a hang.</param>
    public static async Task<IReadOnlyList<ChatApiReplica>> WaitForHealthyAsync(
        ResourceNotificationService notifications, int count, CancellationToken cancellationToken)
    {
        var replicas = new Dictionary<string, ChatApiReplica>();
        await foreach (var resourceEvent in notifications.WatchAsync(cancellationToken))
        {
            if (resourceEvent.Resource.Name != ResourceName)
            {
                continue;
            }

            if (resourceEvent.Snapshot.HealthStatus == HealthStatus.Healthy)
            {
                replicas[resourceEvent.ResourceId] = From(resourceEvent);
            }
            else
            {
                replicas.Remove(resourceEvent.ResourceId);
            }

            if (replicas.Count == count)
            {
                return [.. replicas.Values];
            }
        }

        throw new InvalidOperationException($"The resource notifications ended with {replicas.Count} of {count} ChatApi replicas healthy.");
    }

    /// <summary>Reads a replica from its resource snapshot; fails when the snapshot lacks what a replica needs.</summary>
    /// <param name="resourceEvent">A ChatApi replica's resource event.</param>
    public static ChatApiReplica From(ResourceEvent resourceEvent)
    {
        var urls = Variable("ASPNETCORE_URLS");
        var attributes = Variable("OTEL_RESOURCE_ATTRIBUTES");

        var address = urls.Split(';', StringSplitOptions.TrimEntries)
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(uri => uri?.Scheme == Uri.UriSchemeHttp)
            ?? throw new InvalidOperationException($"{resourceEvent.ResourceId} binds no http URL: ASPNETCORE_URLS is '{urls}'.");
        var instanceId = attributes.Split(',', StringSplitOptions.TrimEntries)
            .FirstOrDefault(attribute => attribute.StartsWith(InstanceIdAttribute, StringComparison.Ordinal))?[InstanceIdAttribute.Length..]
            ?? throw new InvalidOperationException($"{resourceEvent.ResourceId} has no service.instance.id: OTEL_RESOURCE_ATTRIBUTES is '{attributes}'.");

        return new ChatApiReplica(resourceEvent.ResourceId, instanceId, address);

        // The values the AppHost gave the process (IsFromSpec), as DCP resolved them, not the ones it inherited.
        string Variable(string name) => resourceEvent.Snapshot.EnvironmentVariables
            .FirstOrDefault(variable => variable.IsFromSpec && variable.Name == name)?.Value ?? "";
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ResourceId} ({Address}, instance {InstanceId})";
}
