using System.Net;
using System.Net.Http.Json;

namespace Canvas.WebFrontend.Client.Api;

/// <summary><see cref="ICanvasApi"/> over a typed HttpClient on the host's own base address.</summary>
/// <param name="http">The HttpClient; its base address is the frontend's origin.</param>
public sealed class CanvasApiClient(HttpClient http) : ICanvasApi
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync("api/agents", ClientJsonContext.Default.ListAgentInfo, cancellationToken) ?? [];

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ConversationSummary>> GetConversationsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync("api/conversations", ClientJsonContext.Default.ListConversationSummary, cancellationToken) ?? [];

    /// <inheritdoc/>
    public async Task<ConversationDetail?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/conversations/{Uri.EscapeDataString(conversationId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ConversationDetail, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task DeleteConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync($"api/conversations/{Uri.EscapeDataString(conversationId)}", cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task<GenerationSnapshot?> GetGenerationAsync(string generationId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/generations/{Uri.EscapeDataString(generationId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.GenerationSnapshot, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task CancelGenerationAsync(string generationId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"api/generations/{Uri.EscapeDataString(generationId)}/cancel", content: null, cancellationToken);
        await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
    }
}
