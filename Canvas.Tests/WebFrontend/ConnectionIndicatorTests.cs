using Bunit;
using Canvas.WebFrontend.Client.Components;
using Canvas.WebFrontend.Client.Transport;

namespace Canvas.Tests.WebFrontend;

public sealed class ConnectionIndicatorTests : BunitContext
{
    [Fact]
    public void Render_WebSocketOnWebSocketAgent_ShowsGreenWebSocketWithoutFallback()
    {
        var status = new ConnectionStatus(TransportTier.WebSocket, TransportTier.WebSocket, "openai", "Lowest latency.", null);

        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        var root = indicator.Find("[data-testid=connection-indicator]");
        Assert.Equal("websocket", root.GetAttribute("data-tier"));
        Assert.Equal("false", root.GetAttribute("data-fallback"));
        Assert.Contains("🟢", root.TextContent);
        Assert.Equal("WebSocket", indicator.Find("[data-testid=connection-label]").TextContent);
    }

    [Fact]
    public void Render_SseAsOllamasFirstTier_ShowsSseNamedAfterTheProvider()
    {
        var status = new ConnectionStatus(TransportTier.Sse, TransportTier.Sse, "ollama", "Ollama streams natively over HTTP.", null);

        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        var root = indicator.Find("[data-testid=connection-indicator]");
        Assert.Equal("sse", root.GetAttribute("data-tier"));
        Assert.Equal("false", root.GetAttribute("data-fallback"));
        Assert.Contains("🔵", root.TextContent);
        Assert.Equal("SSE (Ollama)", indicator.Find("[data-testid=connection-label]").TextContent);
    }

    [Fact]
    public void Render_SseBelowWebSocket_ShowsSseFallback()
    {
        var status = new ConnectionStatus(TransportTier.Sse, TransportTier.WebSocket, "anthropic", "note", "The WebSocket did not open within 3 s.");

        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        var root = indicator.Find("[data-testid=connection-indicator]");
        Assert.Equal("sse", root.GetAttribute("data-tier"));
        Assert.Equal("true", root.GetAttribute("data-fallback"));
        Assert.Equal("SSE fallback", indicator.Find("[data-testid=connection-label]").TextContent);
    }

    [Fact]
    public void Render_Rest_ShowsYellowRest()
    {
        var status = new ConnectionStatus(TransportTier.Rest, TransportTier.WebSocket, "openai", "note", "buffered");

        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        var root = indicator.Find("[data-testid=connection-indicator]");
        Assert.Equal("rest", root.GetAttribute("data-tier"));
        Assert.Equal("true", root.GetAttribute("data-fallback"));
        Assert.Contains("🟡", root.TextContent);
        Assert.Equal("REST", indicator.Find("[data-testid=connection-label]").TextContent);
    }

    [Fact]
    public void Render_NoTier_ShowsRedDisconnected()
    {
        var status = new ConnectionStatus(null, TransportTier.WebSocket, "openai", "note", "Nothing answers.");

        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        var root = indicator.Find("[data-testid=connection-indicator]");
        Assert.Equal("disconnected", root.GetAttribute("data-tier"));
        Assert.Equal("false", root.GetAttribute("data-fallback"));
        Assert.Contains("🔴", root.TextContent);
        Assert.Equal("Disconnected", indicator.Find("[data-testid=connection-label]").TextContent);
    }

    [Fact]
    public void Click_AfterFallback_ShowsTransportNoteAndWhyItFellBack()
    {
        var status = new ConnectionStatus(TransportTier.Sse, TransportTier.WebSocket, "openai",
            "WebSocket first: lowest latency, cancel on the same socket.", "The WebSocket was accepted and then closed.");
        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        indicator.Find("button.indicator-button").Click();

        Assert.Equal("WebSocket first: lowest latency, cancel on the same socket.", indicator.Find("[data-testid=transport-note]").TextContent);
        Assert.Contains("The WebSocket was accepted and then closed.", indicator.Find("[data-testid=fallback-reason]").TextContent);
    }

    [Fact]
    public void Hover_OnFirstTier_TitleCarriesTheTransportNoteOnly()
    {
        var status = new ConnectionStatus(TransportTier.Sse, TransportTier.Sse, "ollama", "Ollama streams natively over HTTP.", null);

        var indicator = Render<ConnectionIndicator>(parameters => parameters.Add(p => p.Status, status));

        Assert.Equal("Ollama streams natively over HTTP.", indicator.Find("button.indicator-button").GetAttribute("title"));
        Assert.Empty(indicator.FindAll("[data-testid=fallback-reason]"));
    }
}
