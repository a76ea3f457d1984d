using Canvas.WebFrontend.Auth;
using Canvas.WebFrontend.Diagnostics;
using Canvas.WebFrontend.Identity;
using Canvas.WebFrontend.Proxy;

namespace Canvas.WebFrontend;

/// <summary>The web frontend's features, in the order the pipeline needs them.</summary>
public static class WebFrontendExtensions
{
    /// <summary>
    /// Adds the service defaults, the per-browser identity, the chat API token issuer and the <c>/api</c> proxy.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddWebFrontend(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddServiceDefaults();
        builder.AddAnonymousIdentity();
        builder.AddChatApiTokens();
        builder.AddChatApiProxy();
        return builder;
    }

    /// <summary>
    /// Maps health endpoints, the identity middleware, the <c>/api</c> proxy, the connection probe and the
    /// Blazor WebAssembly client with its <c>index.html</c> fallback.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapWebFrontend(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapDefaultEndpoints();
        app.UseWebSocketOriginCheck();
        app.UseAnonymousIdentity();
        app.UseChatApiUnreachableProblem();
        app.MapChatApiProxy();
        app.MapConnectionProbe();

        // MapStaticAssets serves the client's _framework files too (it replaces UseBlazorFrameworkFiles);
        // every other path is a client-side route.
        app.MapStaticAssets();
        app.MapFallbackToFile("index.html");
        return app;
    }
}
