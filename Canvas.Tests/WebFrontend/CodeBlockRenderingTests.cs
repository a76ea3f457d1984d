using Bunit;
using Canvas.WebFrontend.Client.Components;
using Canvas.WebFrontend.Client.Markdown;
using Canvas.WebFrontend.Client.Session;

namespace Canvas.Tests.WebFrontend;

/// <summary>Code blocks in answers: highlighted, labelled, with a copy button, and still inert.</summary>
public sealed class CodeBlockRenderingTests : BunitContext
{
    [Fact]
    public void ToHtml_FencedCSharp_HighlightsKeywordsStringsAndComments_UnderItsLanguageLabel()
    {
        var html = Render("```csharp\nvar name = \"Ada\"; // who\n```");

        Assert.Equal("csharp", html.Find("[data-testid=code-language]").TextContent);
        Assert.Equal("var", html.Find("code .hl-keyword").TextContent);
        Assert.Equal("\"Ada\"", html.Find("code .hl-string").TextContent);
        Assert.Equal("// who", html.Find("code .hl-comment").TextContent);
        Assert.Equal("var name = \"Ada\"; // who", html.Find("pre code").TextContent);
        Assert.Equal("Copy the code", html.Find("[data-testid=copy-code]").GetAttribute("aria-label"));
    }

    [Theory]
    [InlineData("bash", "# build it\nif [ -n \"$NAME\" ]; then make $TARGET; fi", "# build it", "\"$NAME\"", "if", "$TARGET")]
    [InlineData("sh", "cd ${HOME} && echo 'done' # mine", "# mine", "'done'", "cd", "${HOME}")]
    [InlineData("yaml", "# CI\nname: 'build'\non: push", "# CI", "'build'", null, "name")]
    [InlineData("yml", "jobs:\n  test:\n    timeout: 20 # minutes", "# minutes", null, null, "jobs")]
    [InlineData("rust", "// greet\nfn main() { let s: String = \"hi\"; }", "// greet", "\"hi\"", "fn", "String")]
    [InlineData("rs", "/* x */ pub struct Point { x: i32 }", "/* x */", null, "pub", "Point")]
    [InlineData("go", "// main\nfunc main() { var s string = `raw` }", "// main", "`raw`", "func", "string")]
    [InlineData("golang", "package main // p\nimport \"fmt\"", "// p", "\"fmt\"", "package", null)]
    public void ToHtml_BashYamlRustAndGo_AreHighlighted(string language, string code, string comment, string? text, string? keyword, string? name)
    {
        var html = Render($"```{language}\n{code}\n```");

        Assert.Equal(code, html.Find("pre code").TextContent);
        Assert.Equal(comment, html.Find("code .hl-comment").TextContent);
        if (text is not null)
        {
            Assert.Contains(text, html.FindAll("code .hl-string").Select(span => span.TextContent));
        }

        if (keyword is not null)
        {
            Assert.Contains(keyword, html.FindAll("code .hl-keyword").Select(span => span.TextContent));
        }

        if (name is not null)
        {
            Assert.Contains(name, html.FindAll("code .hl-type, code .hl-tag").Select(span => span.TextContent));
        }
    }

    [Fact]
    public void ToHtml_UnknownLanguage_ShowsTheCodeEscapedUnderItsLabel()
    {
        var html = Render("```brainfuck\n<script>alert(1)</script>\n```");

        Assert.Equal("brainfuck", html.Find("[data-testid=code-language]").TextContent);
        Assert.Empty(html.FindAll("script"));
        Assert.Empty(html.FindAll("code span"));
        Assert.Equal("<script>alert(1)</script>", html.Find("pre code").TextContent);
    }

    [Fact]
    public void ToHtml_MarkupInHighlightedCodeAndInTheLanguageName_StaysText()
    {
        var html = Render("```html onmouseover=alert(1) <b>\n<img src=x onerror=alert(2)>\n```");

        Assert.Empty(html.FindAll("img"));
        Assert.Empty(html.FindAll("b"));
        Assert.DoesNotContain(html.FindAll("*"), element => element.Attributes.Any(attribute => attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal("<img src=x onerror=alert(2)>", html.Find("pre code").TextContent);
    }

    [Fact]
    public void ToHtml_IndentedCodeWithoutLanguage_IsLabelledText()
    {
        var html = Render("Look:\n\n    plain code\n");

        Assert.Equal("text", html.Find("[data-testid=code-language]").TextContent);
        Assert.Equal("plain code", html.Find("pre code").TextContent);
    }

    private IRenderedComponent<MessageItem> Render(string markdown) =>
        Render<MessageItem>(parameters => parameters
            .Add(p => p.Message, new MessageView("assistant", markdown))
            .Add(p => p.Actions, NoActions.For()));
}
