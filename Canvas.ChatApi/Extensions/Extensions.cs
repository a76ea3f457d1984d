using Canvas.ChatApi.Agents;
using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Auth;
using Canvas.ChatApi.Capacity;
using Canvas.ChatApi.Conversations;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Providers;
using Canvas.ChatApi.Telemetry;
using Microsoft.AspNetCore.Http.Json;

namespace Canvas.ChatApi.Extensions;

/// <summary>The one place the chat API registers its services.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            ProblemCodes.AddMissingCode(context);
            RetryAfterProblemHeader.Add(context);
        });
        services.AddExceptionHandler<BadRequestProblemHandler>();
        services.AddExceptionHandler<StorageBusyProblemHandler>();
        // Binding failures become exceptions so BadRequestProblemHandler can say what was wrong.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CanvasJsonContext.Default));
        services.AddOpenApi();
        services.AddSingleton(TimeProvider.System);
        services.Configure<WebSocketOptions>(options =>
        {
            options.KeepAliveInterval = TimeSpan.FromSeconds(15);
            options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        });

        builder.AddCanvasAuthentication();
        builder.AddCanvasStorage();
        builder.AddChatAgents();

        services.AddChatLimits();
        services.AddInstanceCapacity();
        services.AddHostedService<ProviderFailureWarmUp>();
        services.AddOptions<ConversationOptions>()
            .BindConfiguration(ConversationOptions.SectionName)
            .Validate(o => o.Retention > TimeSpan.Zero && o.MaxPerUser > 0,
                $"{ConversationOptions.SectionName}:Retention and :MaxPerUser must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ChatTelemetry>();
        services.AddSingleton<ChatStartValidator>();
        services.AddSingleton<ChatServices>();
        services.AddSingleton<GenerationRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<GenerationRunner>());
        return builder;
    }
}
