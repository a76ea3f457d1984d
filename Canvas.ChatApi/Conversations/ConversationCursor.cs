using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Canvas.ChatApi.Conversations;

/// <summary>
/// A position in a user's conversation list, which is ordered by last touch (to the millisecond), then by id, both
/// descending; the stores stamp every touch later than the user's earlier ones, so the id only orders what replicas
/// touched at once. Clients see it only as an opaque token.
/// </summary>
/// <param name="UpdatedMs">The position's last update, in Unix milliseconds.</param>
/// <param name="Id">The id of the conversation at the position.</param>
public sealed record ConversationCursor(long UpdatedMs, string Id)
{
    /// <summary>The position of <paramref name="summary"/>.</summary>
    public static ConversationCursor Of(ConversationSummary summary) => new(summary.UpdatedAt.ToUnixTimeMilliseconds(), summary.Id);

    /// <summary>Whether a conversation updated at <paramref name="updatedMs"/> with <paramref name="id"/> lists after this position.</summary>
    public bool Precedes(long updatedMs, string id) =>
        updatedMs < UpdatedMs || updatedMs == UpdatedMs && string.CompareOrdinal(id, Id) < 0;

    /// <summary>Returns the token a client sends back as <c>before</c>.</summary>
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{UpdatedMs}.{Id}")));

    /// <summary>Reads a token from <see cref="Encode"/>; null when it is not one.</summary>
    public static ConversationCursor? TryDecode(string token)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var updatedMs)
            && text.Length > dot + 1
            ? new ConversationCursor(updatedMs, text[(dot + 1)..])
            : null;
    }
}
