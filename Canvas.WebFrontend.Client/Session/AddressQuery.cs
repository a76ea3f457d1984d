namespace Canvas.WebFrontend.Client.Session;

/// <summary>
/// Reads the knobs a page address may turn (<c>?renderEveryMs=0</c>, <c>?undoDeleteMs=</c>,
/// <c>?conversationsPerPage=</c>, <c>?apiCheckEveryMs=</c>): for measuring, and for tests that must not wait on a clock.
/// </summary>
public static class AddressQuery
{
    /// <summary>Gets the whole number <paramref name="name"/> is set to in <paramref name="address"/>'s query, if it is one and at least <paramref name="minimum"/>.</summary>
    /// <param name="address">The page's address.</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="minimum">The smallest value taken.</param>
    /// <returns>The value, or null when it is missing or out of range.</returns>
    public static int? Number(string address, string name, int minimum = 0)
    {
        var prefix = name + "=";
        var query = new Uri(address).Query.TrimStart('?').Split('&');
        var value = query.FirstOrDefault(part => part.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
        return int.TryParse(value, out var number) && number >= minimum ? number : null;
    }
}
