using Microsoft.Extensions.AI;

namespace Canvas.Tests.Fakes;

/// <summary>Everything a streaming call yielded, and the exception that ended it, if any.</summary>
/// <param name="Updates">The updates, in order.</param>
/// <param name="Error">The exception the enumeration threw, or <see langword="null"/> when it ended normally.</param>
internal sealed record StreamOutcome(IReadOnlyList<ChatResponseUpdate> Updates, Exception? Error)
{
    /// <summary>The text of all updates, joined.</summary>
    public string Text => string.Concat(Updates.Select(update => update.Text));

    /// <summary>The reasoning text of all updates, joined.</summary>
    public string Reasoning => string.Concat(Updates.SelectMany(update => update.Contents).OfType<TextReasoningContent>().Select(content => content.Text));

    /// <summary>The token counts the stream reported, or <see langword="null"/> when none.</summary>
    public UsageDetails? Usage => Updates.SelectMany(update => update.Contents).OfType<UsageContent>().SingleOrDefault()?.Details;

    /// <summary>The finish reason the stream reported last, or <see langword="null"/> when none.</summary>
    public ChatFinishReason? FinishReason => Updates.LastOrDefault(update => update.FinishReason is not null)?.FinishReason;

    /// <summary>Reads a stream to its end and keeps what failed it, so that tests can assert on both.</summary>
    public static async Task<StreamOutcome> ReadAsync(IAsyncEnumerable<ChatResponseUpdate> stream, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in stream.WithCancellation(cancellationToken))
            {
                updates.Add(update);
            }
        }
        catch (Exception exception)
        {
            return new StreamOutcome(updates, exception);
        }

        return new StreamOutcome(updates, null);
    }
}
