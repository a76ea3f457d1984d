using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Canvas.WebFrontend.Client.Markdown;

/// <summary>
/// Renders model output as Markdown that can never run script or inject markup: raw HTML is shown as text
/// (Markdig's <c>DisableHtml</c>), links keep only <c>http</c>, <c>https</c> and <c>mailto</c> targets, and images
/// become plain links so a reply cannot make the browser fetch a URL by itself. Code blocks are highlighted, with
/// their language and a copy button (<see cref="CodeBlockRenderer"/>).
/// </summary>
public static class SafeMarkdown
{
    private static readonly string[] AllowedSchemes = [Uri.UriSchemeHttp, Uri.UriSchemeHttps, Uri.UriSchemeMailto];

    // Only extensions that add no raw attributes: GenericAttributes ({onclick=…}) and the like stay off. A single
    // newline is a line break, as models write lists of lines ("1\n2\n3") and chat readers expect them.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseSoftlineBreakAsHardlineBreak()
        .DisableHtml()
        .Build();

    /// <summary>Renders Markdown to HTML that is safe to insert into the page.</summary>
    /// <param name="markdown">The untrusted Markdown.</param>
    /// <returns>The HTML.</returns>
    public static string ToHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsAllowed(link.Url))
            {
                // The link's words stay, as text; its target goes.
                var words = string.Concat(link.Descendants<LiteralInline>().Select(literal => literal.Content.ToString()));
                link.ReplaceBy(new LiteralInline(words), copyChildren: false);
                continue;
            }

            link.IsImage = false;
            link.GetAttributes().AddPropertyIfNotExist("rel", "nofollow noopener noreferrer");
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            var target = autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url;
            if (!IsAllowed(target))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url), copyChildren: false);
            }
        }

        // A table wider than a phone scrolls inside the answer; keyboard users must be able to scroll it too.
        foreach (var table in document.Descendants<Markdig.Extensions.Tables.Table>())
        {
            table.GetAttributes().AddPropertyIfNotExist("tabindex", "0");
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.ReplaceOrAdd<Markdig.Renderers.Html.CodeBlockRenderer>(new CodeBlockRenderer());
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>Gets whether a link target is an absolute <c>http</c>, <c>https</c> or <c>mailto</c> URL.</summary>
    /// <param name="url">The target.</param>
    /// <returns>True when the target may stay.</returns>
    public static bool IsAllowed(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && AllowedSchemes.Contains(uri.Scheme);
}
