using System.Text;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.WebFrontend.Client.Session;

/// <summary>One message as the chat view shows it; an assistant answer grows while it streams.</summary>
public sealed class MessageView
{
    private readonly StringBuilder _text = new();

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

    /// <summary>Gets or sets whether trying again may help.</summary>
    public bool CanRetry { get; set; }

    /// <summary>Gets or sets the user message this answers, for retry.</summary>
    public string? Prompt { get; set; }

    /// <summary>Appends streamed text.</summary>
    /// <param name="text">The piece.</param>
    public void Append(string text) => _text.Append(text);

    /// <summary>Replaces the text (a snapshot shown on reload).</summary>
    /// <param name="text">The whole text so far.</param>
    public void Reset(string text) => _text.Clear().Append(text);
}
