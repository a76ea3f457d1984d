using System.Net;
using System.Net.Http.Json;

namespace Canvas.WebFrontend.Client.Api;

/// <summary><see cref="ICanvasApi"/> over a typed HttpClient on the host's own base address.</summary>
/// <param name="http">The HttpClient; its base address is the frontend's origin.</param>
public sealed class CanvasApiClient(HttpClient http) : ICanvasApi
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("api/agents", cancellationToken);
        await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ListAgentInfo, cancellationToken) ?? [];
    }

    /// <inheritdoc/>
    public async Task<ConversationPage> GetConversationsAsync(ConversationPageRequest request, CancellationToken cancellationToken)
    {
        var address = request.Next ?? FirstPage(request);
        using var response = await http.GetAsync(address, cancellationToken);
        await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
        var items = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ListConversationSummary, cancellationToken) ?? [];
        return new ConversationPage(items, LinkHeader.Next(response));
    }

    private static string FirstPage(ConversationPageRequest request) =>
        $"api/conversations?limit={request.PageSize}" + (string.IsNullOrWhiteSpace(request.Search) ? "" : $"&q={Uri.EscapeDataString(request.Search.Trim())}");

    /// <inheritdoc/>
    public async Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"api/conversations/{Uri.EscapeDataString(conversationId)}")
        {
            Content = JsonContent.Create(new ConversationRename(title), ClientJsonContext.Default.ConversationRename),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        await ApiProblemException.ThrowIfFailedAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ConversationSummary, cancellationToken);
    }

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
