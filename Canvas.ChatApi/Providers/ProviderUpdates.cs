using Canvas.ChatApi.Generations;
using Microsoft.Extensions.AI;

namespace Canvas.ChatApi.Providers;

/// <summary>Reads what Canvas records from a provider's <see cref="ChatResponseUpdate"/>s: how it finished and the token counts.</summary>
internal static class ProviderUpdates
{
    public static string? FinishReasonOf(ChatFinishReason? reason) => reason switch
    {
        null => null,
        var r when r == ChatFinishReason.Length => FinishReasons.Length,
        var r when r == ChatFinishReason.ContentFilter => FinishReasons.ContentFilter,
        _ => FinishReasons.Stop,
    };

    public static GenerationUsage? UsageOf(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent { Details: var details })
            {
                return new GenerationUsage(details.InputTokenCount, details.OutputTokenCount);
            }
        }

        return null;
    }
}
