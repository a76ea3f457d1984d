using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Canvas.WebFrontend;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Canvas.Tests.WebFrontend;

/// <summary>The backend-for-frontend over real Kestrel on loopback, proxying to a stand-in chat API.</summary>
public sealed class WebFrontendProxyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task FirstRequest_NoCookie_IssuesAnHttpOnlySameSiteStrictIdentityCookie()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/echo").WaitAsync(Bound);

        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), value => value.StartsWith("canvas.id=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ProxiedRequest_CarriesAValidJwtForThatUserAndNeitherCookieNorTheBrowsersAuthorization()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var client = host.CreateClient();
        using var first = await client.GetAsync("/api/echo").WaitAsync(Bound);
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var firstEcho = await first.Content.ReadFromJsonAsync<Dictionary<string, string?>>();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo?x=1");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Authorization", "Bearer forged-by-the-browser");
        using var second = await client.SendAsync(request).WaitAsync(Bound);
        var echo = await second.Content.ReadFromJsonAsync<Dictionary<string, string?>>();

        Assert.Equal("/api/echo?x=1", echo!["path"]);
        Assert.Equal("", echo["cookie"]);
        var token = echo["authorization"]!["Bearer ".Length..];
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "canvas-web",
            ValidAudience = "canvas-chatapi",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(FrontendTestHost.SigningKey)),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var subject = (string)validation.Claims["sub"];
        Assert.StartsWith("u_", subject);
        var firstToken = new JsonWebToken(firstEcho!["authorization"]!["Bearer ".Length..]);
        Assert.Equal(subject, firstToken.Subject);
    }

    [Fact]
    public async Task ProxiedRequest_TwoBrowsers_GetDifferentUsers()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var client = host.CreateClient();

        var one = await client.GetFromJsonAsync<Dictionary<string, string?>>("/api/echo").WaitAsync(Bound);
        var two = await client.GetFromJsonAsync<Dictionary<string, string?>>("/api/echo").WaitAsync(Bound);

        Assert.NotEqual(
            new JsonWebToken(one!["authorization"]!["Bearer ".Length..]).Subject,
            new JsonWebToken(two!["authorization"]!["Bearer ".Length..]).Subject);
    }

    [Fact]
    public async Task WebSocketUpgrade_FromAnotherOrigin_IsRefusedWith403()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "https://evil.example");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri(host), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task WebSocketUpgrade_WithoutOrigin_IsRefusedWith403()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri(host), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task WebSocketUpgrade_FromOwnOrigin_IsProxiedBothWays()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", host.Address.GetLeftPart(UriPartial.Authority));
        await socket.ConnectAsync(WebSocketUri(host), CancellationToken.None).WaitAsync(Bound);

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"ping\"}"), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Bound);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("{\"type\":\"ping\"}", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task EventStream_ArrivesChunkByChunkBeforeTheUpstreamFinishes()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The upstream holds its last event until released: a buffering proxy would never deliver the first.
        var firstLine = await reader.ReadLineAsync().WaitAsync(Bound);
        host.Release();
        var rest = await reader.ReadToEndAsync().WaitAsync(Bound);

        Assert.Equal("id: 0", firstLine);
        Assert.Contains("event: done", rest);
    }

    [Fact]
    public async Task Root_ServesTheBlazorClientsIndexPage()
    {
        await using var host = await FrontendTestHost.StartAsync();
        using var client = host.CreateClient();

        var html = await client.GetStringAsync("/c/some-conversation").WaitAsync(Bound);

        Assert.Contains("_framework/blazor.webassembly", html);
    }

    [Fact]
    public void Startup_WithoutSigningKey_FailsNamingTheKey()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(WebFrontendExtensions).Assembly.GetName().Name });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:chatapi:http:0"] = "http://127.0.0.1:1" });
        builder.AddWebFrontend();
        using var app = builder.Build();

        var failure = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<Canvas.WebFrontend.Auth.ChatApiTokenOptions>>().Value);

        Assert.Contains("Canvas:Auth:SigningKey", failure.Message);
    }

    private static Uri WebSocketUri(FrontendTestHost host) => new($"ws://{host.Address.Authority}/api/chat/ws");

    [Fact]
    public async Task ChatApiDown_AnswersProblemDetails502ChatApiUnreachable()
    {
        // Arrange
        await using var host = await FrontendTestHost.StartInFrontOfAsync(FrontendTestHost.NothingListening());
        using var client = host.CreateClient();

        // Act
        using var response = await client.GetAsync("/api/agents").WaitAsync(Bound);

        // Assert
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>();
        Assert.Equal("chatapi_unreachable", problem!["code"].GetString());
        Assert.Equal(502, problem["status"].GetInt32());
    }

    [Fact]
    public async Task ChatApiRefusesTheToken_Its401PassesThroughUnchanged()
    {
        // Arrange
        await using var host = await FrontendTestHost.StartAsync();
        using var client = host.CreateClient();

        // Act
        using var response = await client.GetAsync("/api/refuse").WaitAsync(Bound);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>();
        Assert.Equal("unauthorized", problem!["code"].GetString());
    }
}
