using System.Text;
using Canvas.ChatApi.Generations;

namespace Canvas.Tests.Chaos;

/// <summary>
/// What one chaos client has of its answer across every connection, tier and instance it used: the text, the last
/// <c>seq</c>, and every way the server broke exactly-once (a <c>seq</c> twice, a <c>seq</c> skipped, a whole answer or
/// snapshot that does not continue what the client already had).
/// </summary>
public sealed class ChaosTranscript
{
    private readonly StringBuilder _text = new();

    /// <summary>Gets the generation's id, once a <c>meta</c>, a REST answer or a problem named it.</summary>
    public string? GenerationId { get; private set; }

    /// <summary>Gets the last <c>seq</c> the client has; -1 before <c>meta</c>.</summary>
    public long LastSeq { get; private set; } = -1;

    /// <summary>Gets the answer text the client has.</summary>
    public string Text => _text.ToString();

    /// <summary>Gets how many events arrived with a <c>seq</c> the client already had.</summary>
    public int Repeated { get; private set; }

    /// <summary>Gets how many times a <c>seq</c> arrived beyond the next one.</summary>
    public int Skipped { get; private set; }

    /// <summary>Gets how many whole answers or snapshots did not start with the text the client already had.</summary>
    public int Inconsistent { get; private set; }

    /// <summary>
    /// Gets the generations other than <see cref="GenerationId"/> that answered the client's one question (one
    /// idempotency key): each is the question answered again.
    /// </summary>
    public List<string> OtherGenerations { get; } = [];

    /// <summary>Gets the finish reason of a <c>done</c>, once one arrived.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>Gets the code of the <c>error</c> that ended the answer, once one arrived.</summary>
    public string? ErrorCode { get; private set; }

    /// <summary>Gets whether that error said the request may be retried.</summary>
    public bool ErrorRetryable { get; private set; }

    /// <summary>Gets whether the answer has ended (<c>done</c> or <c>error</c>).</summary>
    public bool Ended => FinishReason is not null || ErrorCode is not null;

    /// <summary>Takes one streamed event.</summary>
    public void Accept(GenerationEvent generationEvent)
    {
        if (generationEvent.Seq <= LastSeq)
        {
            Repeated++;
            return;
        }

        if (generationEvent.Seq != LastSeq + 1)
        {
            Skipped++;
        }

        LastSeq = generationEvent.Seq;
        switch (generationEvent)
        {
            case MetaEvent meta:
                GenerationId = meta.GenerationId;
                break;
            case DeltaEvent delta:
                _text.Append(delta.Text);
                break;
            case DoneEvent done:
                FinishReason = done.FinishReason;
                break;
            case ErrorEvent error:
                ErrorCode = error.Code;
                ErrorRetryable = error.Retryable;
                break;
        }
    }

    /// <summary>Takes the answer as a REST call or a status snapshot gives it: the whole text so far.</summary>
    /// <param name="generationId">The generation the text belongs to.</param>
    /// <param name="text">The whole text so far.</param>
    /// <param name="lastSeq">The seq the text reaches, when known (a snapshot's <c>lastSeq</c>).</param>
    /// <param name="finishReason">How it ended, if it has.</param>
    /// <param name="errorCode">The error that ended it, if one did.</param>
    /// <param name="retryable">Whether that error is retryable.</param>
    public void AcceptWhole(string generationId, string text, long? lastSeq, string? finishReason, string? errorCode, bool retryable)
    {
        GenerationId ??= generationId;
        if (generationId != GenerationId)
        {
            OtherGenerations.Add(generationId);
        }

        if (!text.StartsWith(Text, StringComparison.Ordinal) || lastSeq < LastSeq)
        {
            Inconsistent++;
        }

        _text.Clear().Append(text);
        LastSeq = lastSeq ?? LastSeq;
        FinishReason = finishReason == FinishReasons.Error ? null : finishReason;
        ErrorCode = errorCode;
        ErrorRetryable = retryable;
    }
}
