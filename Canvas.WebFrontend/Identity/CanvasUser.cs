using System.Security.Claims;
using System.Security.Cryptography;

namespace Canvas.WebFrontend.Identity;

/// <summary>How the frontend names a user to the chat API.</summary>
public static class CanvasUser
{
    /// <summary>The prefix of anonymous per-browser user ids.</summary>
    public const string AnonymousPrefix = "u_";

    /// <summary>
    /// Gets the user id the chat API sees as <c>sub</c>: the <see cref="ClaimTypes.NameIdentifier"/> claim, or
    /// <c>sub</c> when an identity provider's claims are not mapped; null when the user is not signed in.
    /// </summary>
    /// <param name="user">The request's user.</param>
    /// <returns>The user id, or null.</returns>
    public static string? GetUserId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub");
    }

    /// <summary>Creates a new anonymous user id: <c>u_</c> and 128 random bits in base64url.</summary>
    /// <returns>The new id.</returns>
    public static string NewAnonymousId() =>
        AnonymousPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
