using ColorCode;

namespace Canvas.WebFrontend.Client.Markdown.Grammars;

/// <summary>
/// A language ColorCode does not ship, as its own <see cref="ILanguage"/>: regular-expression rules, tried in order,
/// each painting its whole match (capture 0) with one scope.
/// </summary>
/// <param name="id">The id, as a fence names it.</param>
/// <param name="name">The display name.</param>
/// <param name="aliases">Other names fences use.</param>
/// <param name="rules">The rules: a pattern and the scope of what it matches. Earlier rules win (comments before strings before keywords).</param>
internal sealed class Grammar(string id, string name, string[] aliases, params (string Pattern, string Scope)[] rules) : ILanguage
{
    /// <inheritdoc/>
    public string Id => id;

    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public string CssClassName => id;

    /// <inheritdoc/>
    public string? FirstLinePattern => null;

    /// <inheritdoc/>
    public IList<LanguageRule> Rules { get; } =
        [.. rules.Select(rule => new LanguageRule(rule.Pattern, new Dictionary<int, string> { [0] = rule.Scope }))];

    /// <inheritdoc/>
    public bool HasAlias(string lang) => aliases.Contains(lang, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
