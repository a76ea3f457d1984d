using Canvas.ChatApi.Apis;

namespace Canvas.ChatApi.Extensions;

/// <summary>
/// The chat API as a unit: Program.cs is these two calls around <c>Build()</c>, and so is every host that tests or
/// benchmarks build, which therefore never run the entry point.
/// </summary>
public static class ChatApiApplication
{
    /// <summary>Adds the service defaults and every service of the chat API.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static WebApplicationBuilder AddChatApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        return builder;
    }

    /// <summary>Adds the middleware and maps every endpoint of the chat API.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is null.</exception>
    public static WebApplication UseChatApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapDefaultEndpoints();
        app.MapAgentsApi();
        app.MapConversationsApi();
        app.MapChatApi();
        app.MapGenerationsApi();
        return app;
    }
}
