using Canvas.WebFrontend.Client.Api;

namespace Canvas.WebFrontend.Client.Transport;

/// <summary>
/// What one answer has delivered so far: the generation, the last <c>seq</c> and the lengths of the text and the reasoning. It drops
/// events already delivered, which is what makes every tier switch exactly-once.
/// </summary>
internal sealed class StreamProgress(ResumePoint? resumeFrom)
{
    private string? _generationId = resumeFrom?.GenerationId;
    private long _lastSeq = resumeFrom?.AfterSeq ?? -1;
    private int _textLength = resumeFrom?.TextLength ?? 0;
    private int _reasoningLength = resumeFrom?.ReasoningLength ?? 0;

    /// <summary>Gets where to resume, or null while no <c>meta</c> has named the generation.</summary>
    public ResumePoint? Point => _generationId is null ? null : new ResumePoint(_generationId, _lastSeq, _textLength, _reasoningLength);

    /// <summary>Records an event; false when it was already delivered and must be dropped.</summary>
    public bool Accept(ChatEvent chatEvent, bool eachEventHasItsSeq)
    {
        if (eachEventHasItsSeq && chatEvent.Seq <= _lastSeq)
        {
            return false;
        }

        if (chatEvent.Type == ChatEvent.Meta)
        {
            _generationId ??= chatEvent.GenerationId;
        }
        else if (chatEvent.Type == ChatEvent.Delta)
        {
            _textLength += chatEvent.Text?.Length ?? 0;
        }
        else if (chatEvent.Type == ChatEvent.Reasoning)
        {
            _reasoningLength += chatEvent.Text?.Length ?? 0;
        }

        _lastSeq = Math.Max(_lastSeq, chatEvent.Seq);
        return true;
    }

    /// <summary>The error event that ends an answer no tier could carry.</summary>
    public ChatEvent Disconnected(string reason) => new()
    {
        Type = ChatEvent.Error,
        GenerationId = _generationId,
        Seq = _lastSeq + 1,
        Code = "disconnected",
        Message = $"Could not reach the chat server over any connection. {reason}",
        Retryable = true,
    };
}
