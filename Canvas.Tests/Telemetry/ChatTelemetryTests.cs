using System.Diagnostics;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Fakes;
using Canvas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Canvas.Tests.Telemetry;

/// <summary>The spans an operator sees: one per chat request, named by tier, with the contract's attributes.</summary>
public sealed class ChatTelemetryTests : ChatApiTest
{
    private readonly ExportedSpans _exported = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_exported));

    [Theory]
    [InlineData("websocket", null)]
    [InlineData("sse", null)]
    [InlineData("rest", null)]
    [InlineData("sse", "websocket")]
    [InlineData("rest", "sse")]
    public async Task ChatRequest_HasOneServerSpanNamedByTier_WithTheContractsAttributes(string tier, string? fallbackFrom)
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        var generationId = await AskAsync(client, tier, fallbackFrom);
        var span = await SpanAsync($"chat {tier}", generationId);

        // Assert
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal(tier, span.GetTagItem("canvas.transport"));
        Assert.Equal(fallbackFrom, span.GetTagItem("canvas.transport.fallback_from"));
        Assert.Equal("gpt", span.GetTagItem("canvas.agent.id"));
        Assert.NotNull(span.GetTagItem("canvas.conversation.id"));
        Assert.Equal("openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("gpt-4o-mini", span.GetTagItem("gen_ai.request.model"));
        var recorded = FixtureTranscript.OpenAI("chat_stream_basic_usage.sse");
        Assert.Equal(recorded.InputTokens, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(recorded.OutputTokens, span.GetTagItem("gen_ai.usage.output_tokens"));
    }

    [Fact]
    public async Task ChatSpan_LastsUntilTheStreamEnds_AndParentsTheGenAISpan()
    {
        // Arrange
        using var client = Api.ClientFor("alice");

        // Act
        var generationId = await AskAsync(client, "sse", null);
        var chat = await SpanAsync("chat sse", generationId);
        var genAI = await WaitForAsync(() => _exported.FirstOrDefault(a => a.ParentSpanId == chat.SpanId && a.OperationName.StartsWith("chat", StringComparison.Ordinal) && a.Source.Name.Contains("Microsoft.Extensions.AI")));

        // Assert
        Assert.Equal(chat.TraceId, genAI.TraceId);
        Assert.True(chat.StartTimeUtc + chat.Duration >= genAI.StartTimeUtc + genAI.Duration,
            "The chat span ended before the provider call it carries.");
    }

    [Fact]
    public async Task Resume_HasAResumeSpanNamedByTier()
    {
        // Arrange
        using var client = Api.ClientFor("alice");
        var generationId = await AskAsync(client, "sse", null);

        // Act
        await ChatDriver.ReplayAsync(client, generationId, after: 2);
        var span = await SpanAsync("resume sse", generationId);

        // Assert
        Assert.Equal("sse", span.GetTagItem("canvas.transport"));
    }

    private async Task<string> AskAsync(HttpClient client, string tier, string? fallbackFrom)
    {
        switch (tier)
        {
            case "websocket":
                return (await ChatDriver.AskOverWebSocketAsync(Api, "alice", "gpt", "Count from 1 to 5", fallbackFrom: fallbackFrom))[0].GenerationId;
            case "sse":
                return (await ChatDriver.AskOverSseAsync(client, "gpt", "Count from 1 to 5", fallbackFrom: fallbackFrom))[0].GenerationId;
            default:
                if (fallbackFrom is not null)
                {
                    client.DefaultRequestHeaders.Add(ChatApi.Apis.ChatApi.FallbackHeader, fallbackFrom);
                }

                var (answer, problem) = await ChatDriver.AskOverRestAsync(client, "gpt", "Count from 1 to 5");
                Assert.True(answer is not null, problem?.ToJsonString());
                return answer.GenerationId;
        }
    }

    // Spans are exported when they end, which for a stream is just after its last byte reached the client.
    private Task<Activity> SpanAsync(string name, string generationId) =>
        WaitForAsync(() => _exported.FirstOrDefault(a => a.DisplayName == name && (string?)a.GetTagItem("canvas.generation.id") == generationId));

    private async Task<Activity> WaitForAsync(Func<Activity?> find)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"No such span among: {string.Join(", ", _exported.Select(a => a.DisplayName))}");
    }
}
