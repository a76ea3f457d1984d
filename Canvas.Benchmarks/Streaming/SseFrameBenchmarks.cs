using System.Buffers;
using BenchmarkDotNet.Attributes;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Streaming;

namespace Canvas.Benchmarks.Streaming;

/// <summary>
/// The per-token cost on the SSE path: framing one answer of 500 deltas (a long reply) into the response buffer.
/// </summary>
[MemoryDiagnoser]
public class SseFrameBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(256 * 1024);
    private GenerationEvent[] _answer = [];

    [GlobalSetup]
    public void Setup() =>
        _answer =
        [
            new MetaEvent { GenerationId = "g_0123456789abcdefghijkl", Seq = 0, ConversationId = "c_0123456789abcdefghijkl", AgentId = "gpt", Provider = "openai", Model = "gpt-4o-mini", Transport = "sse" },
            .. Enumerable.Range(1, 500).Select(seq => new DeltaEvent { GenerationId = "g_0123456789abcdefghijkl", Seq = seq, Text = " token" }),
            new DoneEvent { GenerationId = "g_0123456789abcdefghijkl", Seq = 501, FinishReason = "stop", Usage = new(12, 500), Timings = new(180, 2400) },
        ];

    [Benchmark]
    public int FrameAnswer()
    {
        _output.ResetWrittenCount();
        var frames = new SseFrameWriter(_output);
        foreach (var generationEvent in _answer)
        {
            frames.Write(generationEvent);
        }

        return _output.WrittenCount;
    }
}
