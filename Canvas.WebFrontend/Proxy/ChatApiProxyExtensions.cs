using System.Net.Http.Headers;
using Canvas.WebFrontend.Auth;
using Canvas.WebFrontend.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Canvas.WebFrontend.Proxy;

/// <summary>The backend-for-frontend: <c>/api/**</c> forwarded to the chat API with the user's bearer token.</summary>
public static class ChatApiProxyExtensions
{
    /// <summary>The path every proxied route lives under.</summary>
    public const string ApiPrefix = "/api";

    /// <summary>Binds <c>Canvas:Proxy</c> and adds YARP's forwarder.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddChatApiProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatApiProxyOptions>()
            .Bind(builder.Configuration.GetSection(ChatApiProxyOptions.SectionName))
            .Validate(options => options.IdleTimeout > TimeSpan.Zero, "Canvas:Proxy:IdleTimeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddHttpForwarder();
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Refuses WebSocket upgrades under <c>/api</c> from other origins; add it before authentication.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static IApplicationBuilder UseWebSocketOriginCheck(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ApiPrefix),
            api => api.UseMiddleware<WebSocketOriginMiddleware>());

    /// <summary>Answers <c>/api</c> requests the chat API could not be reached for with problem details (502).</summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static IApplicationBuilder UseChatApiUnreachableProblem(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ApiPrefix),
            api => api.UseMiddleware<ChatApiUnreachableMiddleware>());

    /// <summary>
    /// Maps <c>/api/{**rest}</c> to the chat API found by <see cref="ChatApiAddress.Resolve"/>, for signed-in users only.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <returns>The forwarder's endpoint convention builder.</returns>
    /// <remarks>
    /// Responses stream through unbuffered: YARP flushes each chunk, the frontend adds no response compression,
    /// and the only timeout is <see cref="ChatApiProxyOptions.IdleTimeout"/>. The proxy's HttpClient is YARP's
    /// own, so the standard resilience handler (whose total timeout would cut streams) never sees these requests.
    /// </remarks>
    public static IEndpointConventionBuilder MapChatApiProxy(this WebApplication app)
    {
        var destination = ChatApiAddress.Resolve(app.Configuration);
        var options = app.Services.GetRequiredService<IOptions<ChatApiProxyOptions>>().Value;
        var tokens = app.Services.GetRequiredService<ChatApiTokenIssuer>();

        var requestConfig = new ForwarderRequestConfig { ActivityTimeout = options.IdleTimeout };
        return app.MapForwarder($"{ApiPrefix}/{{**rest}}", destination, requestConfig, transforms =>
                transforms.AddRequestTransform(context => AttachUserToken(context, tokens)))
            .RequireAuthorization();
    }

    // The browser's cookie and any Authorization it sends stay here; the chat API sees only the token minted
    // for the signed-in user.
    private static ValueTask AttachUserToken(RequestTransformContext context, ChatApiTokenIssuer tokens)
    {
        var headers = context.ProxyRequest.Headers;
        headers.Remove(HeaderNames.Cookie);
        headers.Remove(HeaderNames.Authorization);

        var userId = CanvasUser.GetUserId(context.HttpContext.User)
            ?? throw new InvalidOperationException("The /api proxy requires authorization, so the user must be signed in here.");
        headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetToken(userId));
        return ValueTask.CompletedTask;
    }
}
