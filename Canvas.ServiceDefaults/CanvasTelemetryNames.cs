namespace Microsoft.Extensions.Hosting;

/// <summary>Names of the activity sources and meters the service defaults listen to.</summary>
public static class CanvasTelemetryNames
{
    /// <summary>Every Canvas source and meter (<c>Canvas.ChatApi</c>, <c>Canvas.WebFrontend</c>…).</summary>
    public const string Wildcard = "Canvas.*";

    /// <summary>
    /// The source and meter Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> writes to by default;
    /// the wildcard keeps working when the library drops its <c>Experimental.</c> prefix.
    /// </summary>
    public const string ExtensionsAI = "*Microsoft.Extensions.AI";
}
