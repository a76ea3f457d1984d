using Canvas.ChatApi.Telemetry;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Canvas.Tests.Telemetry;

/// <summary>The four metrics of the contract, with the tags a dashboard groups by.</summary>
public sealed class ChatMetricsTests : ChatApiTest
{
    [Fact]
    public async Task AnswerAfterAFallback_RecordsRequestTimeToFirstTokenActiveStreamAndFallback()
    {
        // Arrange
        var telemetry = Api.Services.GetRequiredService<ChatTelemetry>();
        using var requests = new MetricCollector<long>(telemetry.Requests);
        using var timeToFirstToken = new MetricCollector<double>(telemetry.TimeToFirstToken);
        using var activeStreams = new MetricCollector<long>(telemetry.ActiveStreams);
        using var fallbacks = new MetricCollector<long>(telemetry.Fallbacks);
        using var client = Api.ClientFor("alice");

        // Act
        await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5", fallbackFrom: "websocket");
        await requests.WaitForMeasurementsAsync(minCount: 1, TimeSpan.FromSeconds(10));

        // Assert
        var request = Assert.Single(requests.GetMeasurementSnapshot());
        Assert.Equal(1, request.Value);
        Assert.Equal("sse", request.Tags["transport"]);
        Assert.Equal("openai", request.Tags["provider"]);
        Assert.Equal("completed", request.Tags["outcome"]);
        var firstToken = Assert.Single(timeToFirstToken.GetMeasurementSnapshot());
        Assert.True(firstToken.Value > 0);
        Assert.Equal("sse", firstToken.Tags["transport"]);
        Assert.Equal([1L, -1L], activeStreams.GetMeasurementSnapshot().Select(m => m.Value));
        var fallback = Assert.Single(fallbacks.GetMeasurementSnapshot());
        Assert.Equal("websocket", fallback.Tags["from"]);
        Assert.Equal("sse", fallback.Tags["to"]);
    }

    [Fact]
    public async Task RefusedStart_IsCountedAsRefused()
    {
        // Arrange
        var telemetry = Api.Services.GetRequiredService<ChatTelemetry>();
        using var requests = new MetricCollector<long>(telemetry.Requests);
        await using var socket = await ChatSocketClient.ConnectAsync(Api.WebSocketUri(), TestTokens.For("alice"));

        // Act
        await socket.SendAsync(new { type = "start", requestId = "r1", agentId = "local", message = "hi" });
        await socket.ReceiveAsync();
        await requests.WaitForMeasurementsAsync(minCount: 1, TimeSpan.FromSeconds(10));

        // Assert
        var request = Assert.Single(requests.GetMeasurementSnapshot());
        Assert.Equal("websocket", request.Tags["transport"]);
        Assert.Equal("refused", request.Tags["outcome"]);
    }
}
