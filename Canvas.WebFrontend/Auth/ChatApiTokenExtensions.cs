using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Canvas.WebFrontend.Auth;

/// <summary>Registers <see cref="ChatApiTokenIssuer"/> with options validated at startup.</summary>
public static class ChatApiTokenExtensions
{
    /// <summary>Binds <c>Canvas:Auth</c>, validates it on start, and adds the token issuer.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder AddChatApiTokens(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatApiTokenOptions>()
            .Bind(builder.Configuration.GetSection(ChatApiTokenOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatApiTokenOptions>, ChatApiTokenOptionsValidator>();
        builder.Services.AddMemoryCache();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChatApiTokenIssuer>();
        return builder;
    }
}
