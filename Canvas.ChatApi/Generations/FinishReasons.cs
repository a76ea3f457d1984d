namespace Canvas.ChatApi.Generations;

/// <summary>The <c>finishReason</c> values of a <c>done</c> event (PROTOCOL.md).</summary>
public static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string Cancelled = "cancelled";
    public const string ContentFilter = "content_filter";
    public const string Error = "error";
}
