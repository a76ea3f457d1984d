using System.Diagnostics;
using Canvas.ChatApi.Generations;

namespace Canvas.Benchmarks.Load;

/// <summary>One received event: what it was, when it arrived (wall clock, µs since the epoch).</summary>
internal readonly record struct ReceivedEvent(GenerationEvent Event, long AtUnixMicros);

/// <summary>How one answer arrived: whole and in order or not, its time to first token, and each token's latency.</summary>
internal sealed record AnswerResult(bool Complete, TimeSpan? TimeToFirstToken, TimeSpan Total, int Events, string? Failure, List<double> TokenLatenciesMs)
{
    public static AnswerResult From(List<ReceivedEvent> events, long started)
    {
        var inOrder = events.Select((e, i) => e.Event.Seq == events[0].Event.Seq + i).All(ok => ok);
        var done = events.Count > 0 && events[^1].Event is DoneEvent;
        var failure = !done ? (events.LastOrDefault().Event as ErrorEvent)?.Code ?? "no_terminal_event" : inOrder ? null : "out_of_order";
        var latencies = new List<double>();
        var stamps = new List<long>();
        TimeSpan? firstToken = null;
        foreach (var (generationEvent, at) in events)
        {
            if (generationEvent is not DeltaEvent delta)
            {
                continue;
            }

            firstToken ??= TimeSpan.FromMicroseconds(at - StartedUnixMicros(started));
            stamps.Clear();
            TokenStamp.Parse(delta.Text, stamps);
            latencies.AddRange(stamps.Select(stamp => (at - stamp) / 1000.0));
        }

        return new AnswerResult(done && inOrder, firstToken, Stopwatch.GetElapsedTime(started), events.Count, failure, latencies);
    }

    public static AnswerResult Failed(long started, string failure) => new(false, null, Stopwatch.GetElapsedTime(started), 0, failure, []);

    // The answer's start in wall-clock µs, from its monotonic start and the time elapsed since.
    private static long StartedUnixMicros(long started) => TokenStamp.UnixMicros() - (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
}
