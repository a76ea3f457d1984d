using ColorCode;
using ColorCode.Common;

namespace Canvas.WebFrontend.Client.Markdown.Grammars;

/// <summary>Shell, YAML, Rust and Go: languages models write every day that ColorCode does not ship.</summary>
internal static class ExtraGrammars
{
    private const string LineComment = @"//[^\r\n]*";
    private const string BlockComment = @"/\*[\s\S]*?\*/";
    private const string HashComment = @"(?<![\w$'""\\{])#[^\r\n]*";
    private const string DoubleQuoted = @"""(?:\\.|[^""\\\r\n])*""";
    private const string SingleQuoted = @"'[^'\r\n]*'";
    private const string Number = @"\b(?:0[xXbBoO][0-9a-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)(?:[iu](?:8|16|32|64|128|size)|f32|f64)?\b";

    /// <summary>Gets the grammars, to load into ColorCode once.</summary>
    public static IReadOnlyList<ILanguage> All { get; } =
    [
        new Grammar("bash", "Bash", ["sh", "shell", "zsh", "console", "shellscript"],
            (HashComment, ScopeName.Comment),
            (DoubleQuoted, ScopeName.String),
            (SingleQuoted, ScopeName.String),
            (@"\$(?:\{[^}\r\n]*\}|\w+|[@#?$!*0-9])", ScopeName.TypeVariable),
            (@"\b(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|in|function|return|local|export|readonly|declare|select|break|continue|exit|source|alias|set|unset|shift|trap|echo|cd|eval|exec)\b", ScopeName.Keyword),
            (@"\b\d+\b", ScopeName.Number)),
        new Grammar("yaml", "YAML", ["yml"],
            (@"(?<=^|\s)#[^\r\n]*", ScopeName.Comment),
            (DoubleQuoted, ScopeName.String),
            (SingleQuoted, ScopeName.String),
            (@"(?m:^)[ \t]*(?:-[ \t]+)?[\w.\-/$@]+(?=[ \t]*:(?:\s|$))", ScopeName.XmlName),
            (@"(?m:^)(?:---|\.\.\.)(?=\s|$)", ScopeName.Keyword),
            (@"(?<=[:\-\[,{][ \t]*)(?:true|false|null|yes|no|on|off|~)(?=[ \t]*(?:$|[,\]}#\r\n]))", ScopeName.Keyword),
            (@"[&*][\w\-]+", ScopeName.TypeVariable),
            (@"(?<=[:\-\[,][ \t]*)[+-]?\d+(?:\.\d+)?(?=[ \t]*(?:$|[,\]}#\r\n]))", ScopeName.Number)),
        new Grammar("rust", "Rust", ["rs"],
            (LineComment, ScopeName.Comment),
            (BlockComment, ScopeName.Comment),
            (@"\br(#*)""[\s\S]*?""\1", ScopeName.String),
            (DoubleQuoted.Replace(@"\r\n", ""), ScopeName.String),
            (@"'(?:\\.|[^'\\\r\n])'", ScopeName.String),
            (@"\b(?:as|async|await|break|const|continue|crate|dyn|else|enum|extern|false|fn|for|if|impl|in|let|loop|match|mod|move|mut|pub|ref|return|self|Self|static|struct|super|trait|true|type|unsafe|use|where|while)\b", ScopeName.Keyword),
            (@"\b\w+!", ScopeName.PreprocessorKeyword),
            (@"\b(?:[iu](?:8|16|32|64|128|size)|f32|f64|bool|char|str)\b|\b[A-Z]\w*\b", ScopeName.Type),
            (Number, ScopeName.Number)),
        new Grammar("go", "Go", ["golang"],
            (LineComment, ScopeName.Comment),
            (BlockComment, ScopeName.Comment),
            (DoubleQuoted, ScopeName.String),
            (@"`[^`]*`", ScopeName.String),
            (@"'(?:\\.|[^'\\\r\n])+'", ScopeName.String),
            (@"\b(?:break|case|chan|const|continue|default|defer|else|fallthrough|for|func|go|goto|if|import|interface|map|package|range|return|select|struct|switch|type|var|nil|true|false|iota)\b", ScopeName.Keyword),
            (@"\b(?:bool|byte|complex64|complex128|error|float32|float64|int|int8|int16|int32|int64|rune|string|uint|uint8|uint16|uint32|uint64|uintptr|any)\b", ScopeName.Type),
            (Number, ScopeName.Number)),
    ];
}
