using System.Diagnostics;
using System.Text.Json;

namespace Canvas.AppHost.Tests;

/// <summary>
/// What <c>azd</c> deploys: the Aspire manifest the AppHost writes with <c>--publisher manifest</c> (azd runs the same
/// command), generated here by the built AppHost itself, with no container runtime.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Manifest_RunsRedisAndOllamaAsContainersWithVolumes_AndOnlyWebFrontendIsExternal()
    {
        // Arrange / Act
        using var manifest = await PublishManifestAsync();
        var resources = manifest.RootElement.GetProperty("resources");

        // Assert
        var redis = resources.GetProperty("redis");
        Assert.Equal("container.v0", redis.GetProperty("type").GetString());
        Assert.Contains(redis.GetProperty("volumes").EnumerateArray(), volume => volume.GetProperty("target").GetString() == "/data");
        var ollama = resources.GetProperty("ollama");
        Assert.Equal("container.v0", ollama.GetProperty("type").GetString());
        Assert.StartsWith("docker.io/ollama/ollama:", ollama.GetProperty("image").GetString());
        Assert.Contains(ollama.GetProperty("volumes").EnumerateArray(), volume => volume.GetProperty("target").GetString() == "/root/.ollama");
        Assert.Equal("Endpoint={ollama.bindings.http.url};Model=llama3.2:1b", resources.GetProperty("chat-model").GetProperty("connectionString").GetString());

        var external = resources.EnumerateObject()
            .Where(resource => resource.Value.TryGetProperty("bindings", out var bindings)
                && bindings.EnumerateObject().Any(binding => binding.Value.TryGetProperty("external", out var isExternal) && isExternal.GetBoolean()))
            .Select(resource => resource.Name);
        Assert.Equal(["webfrontend"], external);
    }

    [Fact]
    public async Task Manifest_SigningKeyAndApiKeys_AreSecretParameters_TheSigningKeyGenerated()
    {
        // Arrange / Act
        using var manifest = await PublishManifestAsync("Parameters:openai-api-key=sk-x", "Parameters:anthropic-api-key=sk-ant-x");
        var resources = manifest.RootElement.GetProperty("resources");

        // Assert
        foreach (var name in new[] { "jwt-signing-key", "openai-api-key", "anthropic-api-key" })
        {
            var input = resources.GetProperty(name).GetProperty("inputs").GetProperty("value");
            Assert.Equal("parameter.v0", resources.GetProperty(name).GetProperty("type").GetString());
            Assert.True(input.GetProperty("secret").GetBoolean(), $"{name} is not secret");
        }

        var generated = resources.GetProperty("jwt-signing-key").GetProperty("inputs").GetProperty("value").GetProperty("default").GetProperty("generate");
        Assert.True(generated.GetProperty("minLength").GetInt32() >= 32);
        var chatApiEnvironment = resources.GetProperty("chatapi").GetProperty("env");
        Assert.Equal("{openai-api-key.value}", chatApiEnvironment.GetProperty("Canvas__Providers__OpenAI__ApiKey").GetString());
        Assert.Equal("{jwt-signing-key.value}", chatApiEnvironment.GetProperty("Canvas__Auth__SigningKey").GetString());
    }

    // Runs the AppHost copied next to this assembly exactly as azd does, and reads what it wrote.
    private static async Task<JsonDocument> PublishManifestAsync(params string[] configuration)
    {
        var output = Directory.CreateTempSubdirectory("canvas-manifest-");
        try
        {
            var path = Path.Combine(output.FullName, "aspire-manifest.json");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = output.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "Canvas.AppHost.dll"), "--publisher", "manifest", "--output-path", path, .. configuration])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(PublishTimeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            Assert.True(process.ExitCode == 0, $"The AppHost exited with {process.ExitCode}: {await stdout}{await stderr}");
            return JsonDocument.Parse(await File.ReadAllTextAsync(path));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
