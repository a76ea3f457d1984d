using System.Text.Json.Serialization;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// One event of a generation's log (PROTOCOL.md, "Events"). <see cref="Seq"/> is 0 for <c>meta</c> and grows by
/// one without gaps; the same events travel over every tier and every replica.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MetaEvent), "meta")]
[JsonDerivedType(typeof(DeltaEvent), "delta")]
[JsonDerivedType(typeof(ReasoningEvent), "reasoning")]
[JsonDerivedType(typeof(DoneEvent), "done")]
[JsonDerivedType(typeof(ErrorEvent), "error")]
public abstract record GenerationEvent
{
    /// <summary>Gets the generation the event belongs to.</summary>
    public required string GenerationId { get; init; }

    /// <summary>Gets the event's position in the generation's log.</summary>
    public required long Seq { get; init; }

    /// <summary>Gets the wire name of the event type, as in its <c>type</c> field.</summary>
    [JsonIgnore]
    public string Type => this switch
    {
        MetaEvent => "meta",
        DeltaEvent => "delta",
        ReasoningEvent => "reasoning",
        DoneEvent => "done",
        _ => "error",
    };

    /// <summary>Gets whether the event ends the generation (<c>done</c> or <c>error</c>).</summary>
    [JsonIgnore]
    public bool IsTerminal => this is DoneEvent or ErrorEvent;
}

/// <summary>The first event of every generation: who answers, and over which tier it was started.</summary>
public sealed record MetaEvent : GenerationEvent
{
    public required string ConversationId { get; init; }
    public required string AgentId { get; init; }
    public required string Provider { get; init; }
    public required string Model { get; init; }
    public required string Transport { get; init; }

    /// <summary>Gets the WebSocket <c>start</c> message's id this meta answers; only sent to that socket.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RequestId { get; init; }
}

/// <summary>A piece of the answer's text.</summary>
public sealed record DeltaEvent : GenerationEvent
{
    public required string Text { get; init; }
}

/// <summary>
/// A piece of the provider's reasoning ("thinking"), in the same <c>seq</c> space as the deltas; never part of the
/// answer's text. Concatenated, it is stored on the assistant message as <c>reasoning</c>.
/// </summary>
public sealed record ReasoningEvent : GenerationEvent
{
    public required string Text { get; init; }
}

/// <summary>The generation ended; the concatenated deltas are the stored assistant message.</summary>
public sealed record DoneEvent : GenerationEvent
{
    public required string FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GenerationUsage? Usage { get; init; }

    public required GenerationTimings Timings { get; init; }
}

/// <summary>The generation failed; the deltas before it are kept and stored as a partial answer.</summary>
public sealed record ErrorEvent : GenerationEvent
{
    public required string Code { get; init; }
    public required string Message { get; init; }
    public required bool Retryable { get; init; }

    /// <summary>Gets how long the upstream asked to wait before retrying, when it said so.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? RetryAfterMs { get; init; }
}

/// <summary>Token counts reported by the provider.</summary>
public sealed record GenerationUsage(long? InputTokens, long? OutputTokens);

/// <summary>How long the answer took, measured by the runner.</summary>
/// <param name="TimeToFirstTokenMs">From the start to the first answer text.</param>
/// <param name="TotalMs">From the start to the end.</param>
/// <param name="ReasoningMs">From the first reasoning to the first answer text (or the end); null without reasoning.</param>
public sealed record GenerationTimings(long? TimeToFirstTokenMs, long TotalMs, long? ReasoningMs = null);
