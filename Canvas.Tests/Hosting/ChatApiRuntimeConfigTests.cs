using System.Text.Json;

namespace Canvas.Tests.Hosting;

/// <summary>The runtime settings the ChatApi is built with, read from the runtimeconfig.json the build writes beside it.</summary>
public sealed class ChatApiRuntimeConfigTests
{
    [Fact]
    public void ChatApi_CompilesCodeWithoutPrecompiledImagesOptimizedOnItsFirstCall()
    {
        // Arrange
        var path = Path.Combine(AppContext.BaseDirectory, "Canvas.ChatApi.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));

        // Act
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        // Assert: a fresh instance taking a burst of starts must not run them on tier-0 code (docs/benchmarks/notes.md).
        Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation.QuickJit", out var quickJit), "QuickJit is not set");
        Assert.False(quickJit.GetBoolean());
    }
}
