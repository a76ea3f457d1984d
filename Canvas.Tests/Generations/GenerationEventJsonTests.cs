using System.Text;
using System.Text.Json;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Generations;

public sealed class GenerationEventJsonTests
{
    public static TheoryData<string> Texts => new()
    {
        "Hello",
        "",
        "t42@1795474457136836 ",
        "quotes \" and \\ backslash, <tags> & 'apostrophes' +",
        "lines\nand\ttabs\r\u0001 control",
        "ünïcödé, 中文, emoji 🎉 and a lone surrogate \ud800",
        new string('x', 40_000),
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void ToUtf8Json_DeltaAndReasoning_AreTheSerializersBytes(string text)
    {
        // Arrange
        GenerationEvent[] events =
        [
            new DeltaEvent { GenerationId = "g_0123456789abcdef", Seq = 7, Text = text },
            new ReasoningEvent { GenerationId = "g_0123456789abcdef", Seq = 1_234_567_890_123, Text = text },
        ];

        foreach (var generationEvent in events)
        {
            // Act
            var written = generationEvent.ToUtf8Json().ToArray();

            // Assert
            var serialized = JsonSerializer.SerializeToUtf8Bytes(generationEvent, CanvasJsonContext.Default.GenerationEvent);
            Assert.Equal(Encoding.UTF8.GetString(serialized), Encoding.UTF8.GetString(written));
            Assert.Equal(generationEvent, GenerationEvent.FromUtf8Json(written));
        }
    }
}
