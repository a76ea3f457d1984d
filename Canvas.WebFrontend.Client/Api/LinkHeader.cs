namespace Canvas.WebFrontend.Client.Api;

/// <summary>Reads the RFC 8288 <c>Link</c> header the chat API pages its lists with.</summary>
public static class LinkHeader
{
    /// <summary>Gets the target of the response's <c>rel="next"</c> link, or null when it has none (the last page).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The next page's address, as the API wrote it.</returns>
    public static string? Next(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values) ? values.Select(Next).FirstOrDefault(target => target is not null) : null;

    /// <summary>Gets the target of the <c>rel="next"</c> link in one <c>Link</c> header value, or null.</summary>
    /// <param name="value">The header value, for example <c>&lt;/api/conversations?before=…&gt;; rel="next"</c>.</param>
    /// <returns>The target.</returns>
    /// <remarks>Targets are split at commas: the API's cursors are URL-encoded, so they hold none.</remarks>
    public static string? Next(string value)
    {
        foreach (var link in value.Split(','))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0] is ['<', .. var target, '>'] && parts.Skip(1).Any(IsRelNext))
            {
                return target;
            }
        }

        return null;
    }

    // rel="next", rel=next, or rel="prev next": a relation type list (RFC 8288 §3.3).
    private static bool IsRelNext(string parameter) =>
        parameter.Split('=', 2, StringSplitOptions.TrimEntries) is [var name, var relations]
        && name.Equals("rel", StringComparison.OrdinalIgnoreCase)
        && relations.Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("next", StringComparer.OrdinalIgnoreCase);
}
