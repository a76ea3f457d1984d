using System.Text.Json;
using Canvas.Benchmarks.Load;

namespace Canvas.Tests.Benchmarks;

/// <summary>The load generator runs end to end and writes its JSON result; what it measures is not asserted here.</summary>
public sealed class LoadGeneratorSmokeTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"canvas-load-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_out);

    [Theory]
    [InlineData("sse", "openai")]
    [InlineData("sse", "ollama")]
    [InlineData("hop-floor", "openai")]
    [InlineData("webfrontend", "openai")]
    public async Task RunAsync_SmallLoad_EveryAnswerArrivesAndTheResultCountsEveryStampedToken(string tier, string upstream)
    {
        // Arrange
        string[] args = ["--tier", tier, "--upstream", upstream, "--concurrency", "2", "--requests", "4", "--tokens", "5", "--token-interval-ms", "1", "--out", _out];

        // Act
        var exitCode = await LoadGenerator.RunAsync(args).WaitAsync(TimeSpan.FromMinutes(2));

        // Assert
        Assert.Equal(0, exitCode);
        using var result = JsonDocument.Parse(await File.ReadAllBytesAsync(_out));
        Assert.Equal(4, result.RootElement.GetProperty("complete").GetInt32());
        Assert.Equal(20, result.RootElement.GetProperty("tokensMeasured").GetInt64());
        Assert.Equal(JsonValueKind.Object, result.RootElement.GetProperty("tokenLatencyMs").ValueKind);
        Assert.True(result.RootElement.GetProperty("allocatedBytesPerToken").GetDouble() > 0);
    }
}
