using Canvas.ChatApi.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddChatApi();

var app = builder.Build();

app.UseChatApi();

app.Run();
