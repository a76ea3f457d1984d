using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Infrastructure;

/// <summary>One SSE frame as a browser's EventSource would see it, plus the comments before it.</summary>
public sealed record SseFrame(string? Id, string? Event, string Data, int CommentsBefore)
{
    public GenerationEvent ToGenerationEvent() =>
        JsonSerializer.Deserialize(Data, CanvasJsonContext.Default.GenerationEvent)
        ?? throw new InvalidOperationException($"Frame data is not an event: {Data}");
}

/// <summary>Reads SSE frames from a response body as they arrive (WHATWG "event stream interpretation").</summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseFrame> ReadFramesAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? id = null, type = null;
        var data = new StringBuilder();
        var comments = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0 || type is not null)
                {
                    yield return new SseFrame(id, type, data.ToString(), comments);
                    comments = 0;
                }

                id = type = null;
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                comments++;
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data.Append(data.Length > 0 ? "\n" : "").Append(value); break;
            }
        }
    }

    public static async IAsyncEnumerable<GenerationEvent> ReadEventsAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in ReadFramesAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken))
        {
            yield return frame.ToGenerationEvent();
        }
    }
}
