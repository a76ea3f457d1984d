using Canvas.WebFrontend;

var builder = WebApplication.CreateBuilder(args);

builder.AddWebFrontend();

var app = builder.Build();

app.MapWebFrontend();

app.Run();
