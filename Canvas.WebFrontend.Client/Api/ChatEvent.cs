namespace Canvas.WebFrontend.Client.Api;

/// <summary>
/// One generation event (PROTOCOL.md, "Events"), flattened: <see cref="Type"/> says which fields are set.
/// </summary>
public sealed record ChatEvent
{
    /// <summary>The <c>meta</c> event type.</summary>
    public const string Meta = "meta";

    /// <summary>The <c>delta</c> event type.</summary>
    public const string Delta = "delta";

    /// <summary>The <c>reasoning</c> event type: the model thinking aloud, never part of the answer's text.</summary>
    public const string Reasoning = "reasoning";

    /// <summary>The <c>done</c> event type.</summary>
    public const string Done = "done";

    /// <summary>The <c>error</c> event type.</summary>
    public const string Error = "error";

    /// <summary>Gets the event type.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the generation; absent on an error that refuses a WebSocket request.</summary>
    public string? GenerationId { get; init; }

    /// <summary>Gets the event's position in the generation's log.</summary>
    public long Seq { get; init; }

    /// <summary>Gets the WebSocket request a <c>meta</c> or refusal answers.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the conversation (<c>meta</c>).</summary>
    public string? ConversationId { get; init; }

    /// <summary>Gets the agent (<c>meta</c>).</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the provider (<c>meta</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model (<c>meta</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Gets the tier the generation was started on (<c>meta</c>).</summary>
    public string? Transport { get; init; }

    /// <summary>Gets the text piece (<c>delta</c>, <c>reasoning</c>).</summary>
    public string? Text { get; init; }

    /// <summary>Gets how the answer ended (<c>done</c>).</summary>
    public string? FinishReason { get; init; }

    /// <summary>Gets the token counts (<c>done</c>).</summary>
    public ChatUsage? Usage { get; init; }

    /// <summary>Gets the runner's timings (<c>done</c>).</summary>
    public ChatTimings? Timings { get; init; }

    /// <summary>Gets the error code (<c>error</c>).</summary>
    public string? Code { get; init; }

    /// <summary>Gets the error message (<c>error</c>).</summary>
    public string? Message { get; init; }

    /// <summary>Gets whether trying again may help (<c>error</c>).</summary>
    public bool Retryable { get; init; }

    /// <summary>Gets whether the event ends the generation.</summary>
    public bool IsTerminal => Type is Done or Error;
}

/// <summary>Token counts reported by the provider.</summary>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Answer tokens.</param>
public sealed record ChatUsage(long? InputTokens, long? OutputTokens);

/// <summary>How long the answer took on the server.</summary>
/// <param name="TimeToFirstTokenMs">Milliseconds to the first token.</param>
/// <param name="TotalMs">Milliseconds in all.</param>
/// <param name="ReasoningMs">Milliseconds from the first reasoning to the first answer text, when there was reasoning.</param>
public sealed record ChatTimings(long? TimeToFirstTokenMs, long? TotalMs, long? ReasoningMs = null);
