using Canvas.AppHost;
using Canvas.AppHost.Dependencies;

var builder = DistributedApplication.CreateBuilder(args);

// Containers by default, local processes with Dependencies:Mode=Local (the `local` launch profile), or an existing
// instance named in ConnectionStrings (docs/aspire.md). What this machine cannot run stops the start with one line
// (RunOrExplainAsync, at the end).
var redis = builder.AddCanvasRedis();
var chatModel = builder.AddCanvasChatModel();

// WebFrontend signs the tokens ChatApi validates; generated once, then kept in the AppHost's user secrets.
var signingKey = builder.AddParameter(
    "jwt-signing-key", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

var chatApi = builder.AddProject<Projects.Canvas_ChatApi>("chatapi")
    .WithReplicasFromConfiguration("ChatApi:Replicas")
    .WithDependency(redis)
    .WithDependency(chatModel)
    .WithEnvironment("Canvas__Auth__SigningKey", signingKey)
    .WithApiKeyWhenConfigured("openai-api-key", "Canvas__Providers__OpenAI__ApiKey")
    .WithApiKeyWhenConfigured("anthropic-api-key", "Canvas__Providers__Anthropic__ApiKey")
    .WithProviderEndpointWhenConfigured("OpenAI")
    .WithProviderEndpointWhenConfigured("Anthropic")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Canvas_WebFrontend>("webfrontend")
    .WithExternalHttpEndpoints()
    .WithReference(chatApi)
    .WaitFor(chatApi)
    .WithEnvironment("Canvas__Auth__SigningKey", signingKey)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("https", url => url.DisplayText = "Canvas (HTTPS)")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Canvas (HTTP)");

return await builder.Build().RunOrExplainAsync();
