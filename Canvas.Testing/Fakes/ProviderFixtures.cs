namespace Canvas.Tests.Fakes;

/// <summary>
/// Reads the recorded provider bodies in <c>Fixtures/Providers</c>, which the build copies next to the test assembly.
/// </summary>
public static class ProviderFixtures
{
    /// <summary>The folder that holds the <c>ollama</c>, <c>openai</c> and <c>anthropic</c> fixture folders.</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Providers");

    /// <summary>Returns the exact bytes of a recorded body.</summary>
    /// <param name="provider">The provider folder: <c>ollama</c>, <c>openai</c> or <c>anthropic</c>.</param>
    /// <param name="fileName">The fixture file name, for example <c>chat_stream_basic.ndjson</c>.</param>
    public static byte[] ReadBytes(string provider, string fileName) =>
        File.ReadAllBytes(Path.Combine(Root, provider, fileName));

    /// <summary>Returns a recorded body decoded as UTF-8.</summary>
    /// <param name="provider">The provider folder: <c>ollama</c>, <c>openai</c> or <c>anthropic</c>.</param>
    /// <param name="fileName">The fixture file name.</param>
    public static string ReadText(string provider, string fileName) =>
        File.ReadAllText(Path.Combine(Root, provider, fileName));
}
