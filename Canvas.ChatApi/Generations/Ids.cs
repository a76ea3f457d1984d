using System.Buffers.Text;
using System.Security.Cryptography;

namespace Canvas.ChatApi.Generations;

/// <summary>
/// Mints the random ids and secrets Canvas hands out. Every one is URL-safe base64 of cryptographically random
/// bytes, so an id can go into a path, a query string or a Redis key unescaped, and cannot be guessed.
/// </summary>
public static class Ids
{
    /// <summary>The prefix of every conversation id.</summary>
    public const string ConversationPrefix = "c_";

    /// <summary>The prefix of every generation id.</summary>
    public const string GenerationPrefix = "g_";

    /// <summary>The prefix of every message id.</summary>
    public const string MessagePrefix = "m_";

    // 16 bytes (128 bits) encode to exactly 22 URL-safe base64 characters, without padding.
    private const int IdBytes = 16;
    private const int TicketBytes = 32;

    /// <summary>Returns a new conversation id: <c>c_</c> followed by 22 URL-safe random characters.</summary>
    public static string NewConversationId() => ConversationPrefix + RandomToken(IdBytes);

    /// <summary>Returns a new generation id: <c>g_</c> followed by 22 URL-safe random characters.</summary>
    public static string NewGenerationId() => GenerationPrefix + RandomToken(IdBytes);

    /// <summary>Returns a new message id: <c>m_</c> followed by 22 URL-safe random characters.</summary>
    public static string NewMessageId() => MessagePrefix + RandomToken(IdBytes);

    /// <summary>Returns a new one-time WebSocket ticket: 32 random bytes as URL-safe base64 (43 characters).</summary>
    public static string NewTicket() => RandomToken(TicketBytes);

    private static string RandomToken(int byteCount)
    {
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
