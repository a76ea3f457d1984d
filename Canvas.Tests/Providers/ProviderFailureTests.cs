using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Providers;

namespace Canvas.Tests.Providers;

/// <summary>
/// A provider failure that cannot even be read still ends the answer with the provider's typed, retryable error,
/// never as a lost answer. Seen with 10,000 quiet streams on one instance: out of file descriptors, the first load of
/// the OpenAI SDK's exception type failed while the runner classified an Ollama failure, and the runner crashed.
/// </summary>
public sealed class ProviderFailureTests
{
    [Fact]
    public void ToErrorEvent_FailureThatCannotBeRead_IsATypedRetryableUpstreamError()
    {
        // Arrange: reading the failure throws, as loading an SDK's assembly does when no file can be opened.
        var unreadable = new UnreadableException();

        // Act
        var error = ProviderFailure.ToErrorEvent(unreadable, "ollama", "g_test", seq: 3);

        // Assert
        Assert.Equal(ErrorCodes.UpstreamError, error.Code);
        Assert.True(error.Retryable);
        Assert.Equal(3, error.Seq);
        Assert.StartsWith("ollama failed", error.Message);
    }

    private sealed class UnreadableException : Exception
    {
        public override string Message => throw new FileNotFoundException("Could not load file or assembly 'System.ClientModel'.");
    }
}
