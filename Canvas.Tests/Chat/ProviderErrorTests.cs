using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>
/// A provider's failure reaches the client in the provider's own words (with the fix, where Canvas knows it), and the
/// log gets one warning line with the code and the ids; the exception and its stack only at Debug.
/// </summary>
public sealed class ProviderErrorTests : ChatApiTest
{
    public static TheoryData<string, string, string, string> Failures => new()
    {
        { "local", "model-not-found", ErrorCodes.UpstreamRejected, "The model llama3.2:1b is not pulled: run `ollama pull llama3.2:1b`." },
        { "local", "server-error", ErrorCodes.UpstreamError, "ollama failed (500): llama runner process has terminated: exit status 2" },
        { "gpt", "model-not-found", ErrorCodes.UpstreamRejected, "openai rejected the request (404): The model `gpt-4o-mini` does not exist or you do not have access to it." },
        { "gpt", "server-error", ErrorCodes.UpstreamError, "openai failed (500): The server had an error while processing your request. Sorry about that!" },
        { "claude", "server-error", ErrorCodes.UpstreamError, "Internal server error" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ProviderFailure_ErrorEventCarriesTheProvidersOwnMessage(string agentId, string failure, string code, string message)
    {
        // Arrange
        Environment.UpstreamOf(agentId).Enqueue(failure == "model-not-found" ? FakeResponse.ModelNotFound() : FakeResponse.InternalServerError());
        using var client = Api.ClientFor($"provider-error-{agentId}-{failure}");

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, agentId, "Count from 1 to 5");

        // Assert
        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("Response status code does not indicate success", error.Message);
    }

    [Fact]
    public async Task ProviderFailure_IsOneWarningLineWithTheCodeAndIds_AndNoStackAboveDebug()
    {
        // Arrange
        Environment.Ollama.Enqueue(FakeResponse.ModelNotFound());
        using var client = Api.ClientFor("provider-error-log");
        // What the instance said at start (a low open-file limit's warning, on some machines) is not the answer's.
        var linesBefore = Api.Logs.Lines.Count;

        // Act
        var events = await ChatDriver.AskOverSseAsync(client, "local", "Count from 1 to 5");
        var meta = (MetaEvent)events[0];

        // Assert
        var warnings = Api.Logs.Lines.Skip(linesBefore).Where(line => line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal)
            || line.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(warnings);
        Assert.Contains(meta.GenerationId, line);
        Assert.Contains(ErrorCodes.UpstreamRejected, line);
        Assert.Contains(meta.ConversationId, line);
        Assert.Contains("local", line);
        Assert.DoesNotContain("\n", line.TrimEnd());
    }
}
