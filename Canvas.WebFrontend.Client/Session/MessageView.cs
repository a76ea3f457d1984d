using System.Text;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>One message as the chat view shows it; an assistant answer grows while it streams.</summary>
public sealed class MessageView
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();

    /// <summary>Creates a message.</summary>
    /// <param name="role"><c>user</c> or <c>assistant</c>.</param>
    /// <param name="text">The text so far.</param>
    public MessageView(string role, string text = "")
    {
        Role = role;
        _text.Append(text);
    }

    /// <summary>Gets <c>user</c> or <c>assistant</c>.</summary>
    public string Role { get; }

    /// <summary>Gets the text so far.</summary>
    public string Text => _text.ToString();

    /// <summary>Gets the reasoning streamed before the answer, if the provider streams any.</summary>
    public string Reasoning => _reasoning.ToString();

    /// <summary>Gets or sets the message's stable id (<c>m_…</c>) once the API has named it.</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets the agent that wrote this answer.</summary>
    public string? AgentId { get; set; }

    /// <summary>Gets or sets how long the model reasoned before answering; null while it still does, or when it did not.</summary>
    public TimeSpan? ReasoningTime { get; set; }

    /// <summary>Gets or sets the time from sending to the end of the answer.</summary>
    public TimeSpan? TotalTime { get; set; }

    /// <summary>Gets or sets the generation writing this answer.</summary>
    public string? GenerationId { get; set; }

    /// <summary>Gets or sets whether the answer is still streaming.</summary>
    public bool IsStreaming { get; set; }

    /// <summary>Gets or sets the tier that delivered the answer's end (null for stored messages).</summary>
    public TransportTier? Tier { get; set; }

    /// <summary>Gets or sets the time from sending to the first text, as the browser saw it.</summary>
    public TimeSpan? TimeToFirstToken { get; set; }

    /// <summary>Gets or sets the output tokens per second, from the first text to the end.</summary>
    public double? TokensPerSecond { get; set; }

    /// <summary>Gets or sets how the answer ended.</summary>
    public string? FinishReason { get; set; }

    /// <summary>Gets or sets the error that ended the answer, in plain words.</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets the PROTOCOL code of that error (<c>upstream_unavailable</c>, <c>disconnected</c>…).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Gets whether the provider failed (not the connection, not the user): another agent may answer.</summary>
    public bool IsProviderFailure => Error is not null && ErrorCode is not ("disconnected" or "rate_limited" or "message_empty" or "message_too_long");

    /// <summary>Gets or sets whether trying again may help.</summary>
    public bool CanRetry { get; set; }

    /// <summary>Gets or sets the user message this answers, for retry.</summary>
    public string? Prompt { get; set; }

    /// <summary>Appends streamed text.</summary>
    /// <param name="text">The piece.</param>
    public void Append(string text) => _text.Append(text);

    /// <summary>Appends streamed reasoning.</summary>
    /// <param name="text">The piece.</param>
    public void AppendReasoning(string text) => _reasoning.Append(text);

    /// <summary>Replaces the text (a snapshot shown on reload).</summary>
    /// <param name="text">The whole text so far.</param>
    public void Reset(string text) => _text.Clear().Append(text);
}
