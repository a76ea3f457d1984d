using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Canvas.WebFrontend.Client.Markdown;

/// <summary>
/// A code block as chat readers expect it: the language named above it, a copy button (handled in
/// <c>js/canvas.js</c>, since this HTML is inert), and the code highlighted by <see cref="CodeHighlighter"/>.
/// </summary>
internal sealed class CodeBlockRenderer : HtmlObjectRenderer<CodeBlock>
{
    /// <inheritdoc/>
    protected override void Write(HtmlRenderer renderer, CodeBlock obj)
    {
        var language = (obj as FencedCodeBlock)?.Info?.Trim();
        var code = obj.Lines.ToString();
        renderer.EnsureLine();
        renderer.Write("<div class=\"code-block\" data-testid=\"code-block\"><div class=\"code-head\"><span class=\"code-language\" data-testid=\"code-language\">");
        renderer.WriteEscape(string.IsNullOrEmpty(language) ? "text" : language);
        renderer.Write("</span><button type=\"button\" class=\"code-copy\" data-testid=\"copy-code\" aria-label=\"Copy the code\">Copy</button></div><pre tabindex=\"0\"><code");
        if (!string.IsNullOrEmpty(language))
        {
            renderer.Write(" class=\"language-").WriteEscape(language).Write('"');
        }

        renderer.Write('>').Write(CodeHighlighter.ToHtml(code, language)).Write("</code></pre></div>");
        renderer.EnsureLine();
    }
}
