namespace Canvas.ChatApi.Conversations;

/// <summary>A new conversation's title: the first line of its first message, shortened.</summary>
internal static class ConversationTitle
{
    private const int MaxLength = 60;

    public static string From(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0)
        {
            line = line[..end];
        }

        return line.Length <= MaxLength ? line.ToString() : string.Concat(line[..MaxLength].TrimEnd(), "…");
    }
}
