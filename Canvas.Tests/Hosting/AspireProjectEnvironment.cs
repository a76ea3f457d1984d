namespace Canvas.Tests.Hosting;

/// <summary>
/// The environment Aspire 13.5 gives a project resource in run mode, before the AppHost's own <c>WithReference</c> and
/// <c>WithEnvironment</c> calls add theirs. Read from microsoft/aspire <c>src/Aspire.Hosting</c>:
/// <list type="bullet">
/// <item><c>ProjectResourceBuilderExtensions.WithProjectDefaults</c>: <c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY</c>, the two
/// URL query redaction switches (Development), <c>ASPNETCORE_URLS</c> built from the endpoints as
/// <c>scheme://localhost:{target port}</c> (<c>HTTP_PORTS</c> is written in publish mode only; here
/// <see cref="Infrastructure.ServiceProcess"/> sets it to a port of the kernel's choosing), <c>DOTNET_LAUNCH_PROFILE</c>
/// and the launch profile's <c>environmentVariables</c> (<c>ASPNETCORE_ENVIRONMENT=Development</c>).</item>
/// <item><c>OtlpConfigurationExtensions.RegisterOtlpEnvironment</c>: the dashboard's OTLP endpoint, protocol and API key
/// header, <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> (filled in by DCP), and in Development one-second
/// export intervals, the <c>always_on</c> sampler, trace-based exemplars and GenAI message content capture.</item>
/// <item><c>Dashboard/ConsoleLogsConfigurationExtensions.ConfigureConsoleLogs</c>: the simple console formatter.</item>
/// </list>
/// The <c>http</c> launch profiles are the ones in use (the AppHost's <c>http</c> profile), so no HTTPS endpoint, and
/// no development certificate, is involved. The <c>{NAME}_{PROPERTY}</c> variables Aspire 13 also writes for each
/// reference (<c>REDIS_HOST</c>, <c>CHATAPI_HTTP</c>…) are left out: nothing in Canvas reads them.
/// </summary>
internal static class AspireProjectEnvironment
{
    /// <summary>The environment of the project resource <paramref name="resourceName"/>.</summary>
    /// <param name="resourceName">The resource name, e.g. <c>chatapi</c>.</param>
    /// <param name="otlpEndpoint">The dashboard's OTLP/gRPC endpoint.</param>
    /// <param name="references">What the AppHost adds: connection strings, service discovery, parameters.</param>
    public static IReadOnlyDictionary<string, string> For(
        string resourceName, Uri otlpEndpoint, IReadOnlyDictionary<string, string> references)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_LAUNCH_PROFILE"] = "http",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",

            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.GetLeftPart(UriPartial.Authority),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=canvas-tests-dashboard-key",
            ["OTEL_SERVICE_NAME"] = resourceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resourceName}-{Guid.NewGuid():N}",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
            ["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based",
            ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "true",

            ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true",
            ["LOGGING__CONSOLE__FORMATTERNAME"] = "simple",
            ["LOGGING__CONSOLE__FORMATTEROPTIONS__TIMESTAMPFORMAT"] = "yyyy-MM-ddTHH:mm:ss.fffffff ",
        };

        foreach (var (variable, value) in references)
        {
            environment[variable] = value;
        }

        return environment;
    }
}
