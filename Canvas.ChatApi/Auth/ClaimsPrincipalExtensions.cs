using System.Security.Claims;

namespace Canvas.ChatApi.Auth;

/// <summary>Reads who a request acts for.</summary>
public static class ClaimsPrincipalExtensions
{
    /// <summary>Returns the user's id (the token's <c>sub</c>).</summary>
    /// <exception cref="InvalidOperationException">The principal is not authenticated; the endpoint lacks authorization.</exception>
    public static string GetUserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub")
        ?? throw new InvalidOperationException("The request has no authenticated user; the endpoint must require authorization.");
}
