using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
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
    // The event's JSON, encoded once and shared by the log, the pub/sub announcement and every transport and
    // subscriber in this process. Not part of the event's value: equality, hashing and `with` copies ignore it.
    private byte[]? _utf8Json;

    /// <summary>Creates an event.</summary>
    protected GenerationEvent()
    {
    }

    /// <summary>Copies an event's values for a <c>with</c> expression, but not its encoding, which the copy changes.</summary>
    /// <param name="original">The event copied.</param>
    [SetsRequiredMembers]
    protected GenerationEvent(GenerationEvent original)
    {
        ArgumentNullException.ThrowIfNull(original);
        GenerationId = original.GenerationId;
        Seq = original.Seq;
    }

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

    /// <summary>Returns the event's JSON as UTF-8, the same bytes for every caller (PROTOCOL.md, "Events").</summary>
    public ReadOnlyMemory<byte> ToUtf8Json() => _utf8Json ??= Encode();

    /// <summary>Encodes the event as <see cref="CanvasJsonContext"/> serializes it.</summary>
    private protected virtual byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, CanvasJsonContext.Default.GenerationEvent);

    /// <summary>Reads an event from its JSON and keeps those bytes as its encoding.</summary>
    /// <param name="utf8Json">One event's JSON, as <see cref="ToUtf8Json"/> wrote it.</param>
    /// <exception cref="JsonException">The bytes are not an event.</exception>
    public static GenerationEvent FromUtf8Json(byte[] utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        var generationEvent = JsonSerializer.Deserialize(utf8Json, CanvasJsonContext.Default.GenerationEvent)
            ?? throw new JsonException("The JSON holds no event.");
        generationEvent._utf8Json = utf8Json;
        return generationEvent;
    }

    /// <inheritdoc/>
    public virtual bool Equals(GenerationEvent? other) =>
        ReferenceEquals(this, other)
        || (other is not null && EqualityContract == other.EqualityContract && GenerationId == other.GenerationId && Seq == other.Seq);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(EqualityContract, GenerationId, Seq);
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

    private protected override byte[] Encode() => TextEventJson.Encode("delta"u8, GenerationId, Seq, Text);
}

/// <summary>
/// A piece of the provider's reasoning ("thinking"), in the same <c>seq</c> space as the deltas; never part of the
/// answer's text. Concatenated, it is stored on the assistant message as <c>reasoning</c>.
/// </summary>
public sealed record ReasoningEvent : GenerationEvent
{
    public required string Text { get; init; }

    private protected override byte[] Encode() => TextEventJson.Encode("reasoning"u8, GenerationId, Seq, Text);
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
