using System.Buffers.Text;
using System.Security.Cryptography;

namespace Canvas.ChatApi.Generations;

/// <summary>New ids: unguessable, URL-safe, with a prefix that says what they name.</summary>
public static class Ids
{
    /// <summary>A new conversation id, <c>c_</c> and 22 characters.</summary>
    public static string NewConversationId() => "c_" + Random(16);

    /// <summary>A new generation id, <c>g_</c> and 22 characters.</summary>
    public static string NewGenerationId() => "g_" + Random(16);

    /// <summary>A new one-time WebSocket ticket, 43 characters.</summary>
    public static string NewTicket() => Random(32);

    private static string Random(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Base64Url.EncodeToString(buffer);
    }
}
