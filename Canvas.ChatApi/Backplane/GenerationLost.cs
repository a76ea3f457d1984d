using Canvas.ChatApi.Generations;

namespace Canvas.ChatApi.Backplane;

/// <summary>The error that ends a generation whose runner stopped heartbeating before its terminal event.</summary>
internal static class GenerationLost
{
    /// <summary>Returns the <see cref="ErrorCodes.GenerationLost"/> event to append at <paramref name="seq"/>.</summary>
    public static ErrorEvent At(string generationId, long seq) => new()
    {
        GenerationId = generationId,
        Seq = seq,
        Code = ErrorCodes.GenerationLost,
        Message = "The server answering this generation stopped before it finished. Send the message again.",
        Retryable = true,
    };
}
