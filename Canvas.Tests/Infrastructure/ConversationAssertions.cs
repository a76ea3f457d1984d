using System.Net.Http.Json;
using System.Text.Json;
using Canvas.ChatApi.Conversations;

namespace Canvas.Tests.Infrastructure;

/// <summary>Reads conversations back through the API.</summary>
public static class ConversationAssertions
{
    public static async Task<Conversation> GetAsync(HttpClient client, string conversationId)
    {
        using var response = await client.GetAsync($"/api/conversations/{conversationId}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Conversation>(JsonSerializerOptions.Web))!;
    }
}
