using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

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

app.Run();
