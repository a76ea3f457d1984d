using Canvas.ChatApi.Providers;
using Microsoft.Extensions.AI;

namespace Canvas.Tests.Providers;

public sealed class RawRepresentationReleasingChatClientTests
{
    [Fact]
    public void Constructor_NullInner_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new RawRepresentationReleasingChatClient(null!));

    [Fact]
    public async Task GetStreamingResponseAsync_UpdatesWithSdkObjects_PassOnWithoutThemAndWithEverythingElse()
    {
        // Arrange: an update as an SDK yields it, its parsed chunk attached to it and to its text.
        var sdkChunk = new object();
        var update = new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("Hel") { RawRepresentation = sdkChunk }, new UsageContent(new UsageDetails { OutputTokenCount = 2 })])
        {
            RawRepresentation = sdkChunk,
            FinishReason = ChatFinishReason.Stop,
            ModelId = "m",
            ResponseId = "r1",
        };
        using var client = new ChatClientBuilder(new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Updates([update], ct) })
            .UseRawRepresentationRelease()
            .Build();

        // Act
        var passed = new List<ChatResponseUpdate>();
        await foreach (var received in client.GetStreamingResponseAsync("hi"))
        {
            passed.Add(received);
        }

        // Assert
        var only = Assert.Single(passed);
        Assert.Null(only.RawRepresentation);
        Assert.All(only.Contents, content => Assert.Null(content.RawRepresentation));
        Assert.Equal("Hel", only.Text);
        Assert.Equal(2, Assert.Single(only.Contents.OfType<UsageContent>()).Details.OutputTokenCount);
        Assert.Equal((ChatFinishReason.Stop, "m", "r1"), (only.FinishReason!.Value, only.ModelId, only.ResponseId));
    }
}
