using System.Net;
using System.Text;
using Canvas.WebFrontend.Client.Markdown.Grammars;
using ColorCode;
using ColorCode.Common;
using ColorCode.Parsing;

namespace Canvas.WebFrontend.Client.Markdown;

/// <summary>
/// Syntax highlighting with ColorCode's language grammars and Canvas's own for Bash, YAML, Rust and Go (compiled into
/// the app, nothing fetched at run time): the
/// code is escaped and its scopes become <c>hl-*</c> classes, which the theme colours, light and dark alike.
/// </summary>
internal sealed class CodeHighlighter : CodeColorizerBase
{
    private static readonly Dictionary<string, string> Classes = new()
    {
        [ScopeName.Keyword] = "hl-keyword",
        [ScopeName.PreprocessorKeyword] = "hl-keyword",
        [ScopeName.PowerShellOperator] = "hl-keyword",
        [ScopeName.SqlSystemFunction] = "hl-keyword",
        [ScopeName.String] = "hl-string",
        [ScopeName.StringCSharpVerbatim] = "hl-string",
        [ScopeName.HtmlAttributeValue] = "hl-string",
        [ScopeName.XmlAttributeValue] = "hl-string",
        [ScopeName.Comment] = "hl-comment",
        [ScopeName.XmlDocComment] = "hl-comment",
        [ScopeName.HtmlComment] = "hl-comment",
        [ScopeName.XmlComment] = "hl-comment",
        [ScopeName.Number] = "hl-number",
        [ScopeName.ClassName] = "hl-type",
        [ScopeName.Type] = "hl-type",
        [ScopeName.TypeVariable] = "hl-type",
        [ScopeName.HtmlElementName] = "hl-tag",
        [ScopeName.XmlName] = "hl-tag",
        [ScopeName.HtmlTagDelimiter] = "hl-tag",
        [ScopeName.XmlDelimiter] = "hl-tag",
        [ScopeName.CssSelector] = "hl-tag",
        [ScopeName.CssPropertyName] = "hl-type",
        [ScopeName.CssPropertyValue] = "hl-string",
    };

    // Names models write after the fence that ColorCode knows under another id.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cs"] = "c#", ["csharp"] = "c#", ["js"] = "javascript", ["ts"] = "typescript", ["py"] = "python", ["ps1"] = "powershell",
        ["pwsh"] = "powershell", ["c++"] = "cpp", ["c"] = "cpp", ["h"] = "cpp", ["fs"] = "f#", ["fsharp"] = "f#", ["vb"] = "vb.net",
        ["json"] = "javascript", ["jsx"] = "javascript", ["tsx"] = "typescript", ["htm"] = "html", ["xaml"] = "xml", ["csproj"] = "xml",
        ["md"] = "markdown",
    };

    private static readonly CodeHighlighter Instance = new();

    private StringBuilder? _output;

    static CodeHighlighter()
    {
        foreach (var grammar in ExtraGrammars.All)
        {
            Languages.Load(grammar);
        }
    }

    private CodeHighlighter() : base(null, null)
    {
    }

    /// <summary>Highlights <paramref name="code"/> as <paramref name="language"/>; unknown languages come back escaped only.</summary>
    /// <param name="code">The untrusted code.</param>
    /// <param name="language">The fence's language name, as the model wrote it.</param>
    /// <returns>HTML that is safe to insert inside <c>&lt;code&gt;</c>.</returns>
    public static string ToHtml(string code, string? language)
    {
        var grammar = string.IsNullOrWhiteSpace(language) ? null : Languages.FindById(Aliases.GetValueOrDefault(language.Trim(), language.Trim()));
        if (grammar is null)
        {
            return WebUtility.HtmlEncode(code);
        }

        // One instance for the app: Blazor WebAssembly renders on a single thread.
        var output = new StringBuilder(code.Length * 2);
        Instance._output = output;
        Instance.languageParser.Parse(code, grammar, (parsed, scopes) => Instance.Write(parsed, scopes));
        Instance._output = null;
        return output.ToString();
    }

    /// <inheritdoc/>
    protected override void Write(string parsedSourceCode, IList<Scope> scopes)
    {
        // Scopes nest; each character takes the innermost scope's class, and runs of one class become one span.
        var classes = new string?[parsedSourceCode.Length];
        foreach (var scope in scopes)
        {
            Paint(scope, classes);
        }

        var start = 0;
        for (var i = 1; i <= parsedSourceCode.Length; i++)
        {
            if (i == parsedSourceCode.Length || classes[i] != classes[start])
            {
                WriteRun(parsedSourceCode.AsSpan(start, i - start).ToString(), classes[start]);
                start = i;
            }
        }
    }

    private static void Paint(Scope scope, string?[] classes)
    {
        if (Classes.TryGetValue(scope.Name, out var name))
        {
            var end = Math.Min(classes.Length, scope.Index + scope.Length);
            for (var i = Math.Max(0, scope.Index); i < end; i++)
            {
                classes[i] = name;
            }
        }

        foreach (var child in scope.Children)
        {
            Paint(child, classes);
        }
    }

    private void WriteRun(string text, string? className)
    {
        if (className is null)
        {
            _output!.Append(WebUtility.HtmlEncode(text));
            return;
        }

        _output!.Append("<span class=\"").Append(className).Append("\">").Append(WebUtility.HtmlEncode(text)).Append("</span>");
    }
}
