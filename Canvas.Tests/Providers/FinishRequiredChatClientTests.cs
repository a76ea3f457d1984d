using Canvas.ChatApi.Providers;
using Microsoft.Extensions.AI;

namespace Canvas.Tests.Providers;

public sealed class FinishRequiredChatClientTests
{
    [Fact]
    public void Constructor_NullInner_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new FinishRequiredChatClient(null!));

    [Fact]
    public async Task GetStreamingResponseAsync_StreamWithFinishReason_PassesEveryUpdateThrough()
    {
        // Arrange
        using var client = Streaming(new ChatResponseUpdate(ChatRole.Assistant, "Hel"), new ChatResponseUpdate(ChatRole.Assistant, "lo") { FinishReason = ChatFinishReason.Stop });

        // Act
        var texts = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("hi"))
        {
            texts.Add(update.Text);
        }

        // Assert
        Assert.Equal(["Hel", "lo"], texts);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamEndingWithoutFinishReason_ThrowsAfterTheUpdatesItHad()
    {
        // Arrange: what an SDK yields when it swallowed an in-band error.
        using var client = Streaming(new ChatResponseUpdate(ChatRole.Assistant, "Hel"), new ChatResponseUpdate());
        var texts = new List<string>();

        // Act
        var failure = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi"))
            {
                texts.Add(update.Text);
            }
        });

        // Assert
        Assert.IsType<IncompleteStreamException>(failure);
        Assert.Equal(["Hel", ""], texts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetResponseAsync_ThrowsOnlyWithoutFinishReason(bool finished)
    {
        // Arrange
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello")) { FinishReason = finished ? ChatFinishReason.Stop : null };
        using var client = new ChatClientBuilder(new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(response) })
            .UseFinishRequired()
            .Build();

        // Act
        var failure = await Record.ExceptionAsync(() => client.GetResponseAsync("hi"));

        // Assert
        Assert.Equal(finished, failure is null);
    }

    private static IChatClient Streaming(params ChatResponseUpdate[] updates) =>
        new ChatClientBuilder(new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Updates(updates, ct) })
            .UseFinishRequired()
            .Build();
}
