using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Chat;

/// <summary>Requests a client gets subtly wrong get problem details that say what to change.</summary>
public sealed class RequestFormatTests : ChatApiTest
{
    private const string Body = """{"agentId":"local","conversationId":null,"message":"hi"}""";

    [Theory]
    [InlineData("/api/chat/sse", "text/plain")]
    [InlineData("/api/chat/sse", null)]
    [InlineData("/api/chat", "application/x-www-form-urlencoded")]
    public async Task Start_WithoutJsonContentType_IsProblemDetailsThatSaySo(string path, string? contentType)
    {
        // Arrange
        using var client = Api.ClientFor("content-type-user");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        // Act
        using var response = await client.PostAsync(path, content);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Assert
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ErrorCodes.BadRequest, (string?)problem["code"]);
        Assert.Contains("Content-Type: application/json", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Request_WithoutAnyToken_GetsTheBareBearerChallenge()
    {
        // Arrange
        using var client = Api.AnonymousClient();

        // Act
        using var response = await client.GetAsync("/api/agents");

        // Assert: RFC 6750 §3.1, no error attribute when the request carried no credentials.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task Request_WithARefusedToken_GetsTheInvalidTokenChallenge()
    {
        // Arrange
        using var client = Api.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.jwt");

        // Act
        using var response = await client.GetAsync("/api/agents");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }
}
