using System.Net;
using System.Net.Http.Json;
using Canvas.ChatApi.Generations;
using Canvas.Tests.Chat;

namespace Canvas.Tests.Infrastructure;

/// <summary>
/// Test hosts started at the same moment are separate instances, each listening on its own port with its own
/// settings: what every test that starts replicas relies on, on a busy machine too.
/// </summary>
public sealed class ChatApiHostTests
{
    [Fact]
    public async Task HostsStartedInParallel_EachServeTheirOwnSettingsOnTheirOwnPort()
    {
        // Arrange
        var limits = Enumerable.Range(0, 4).Select(i => 101 + i).ToList();

        // Act
        var hosts = await Task.WhenAll(limits.Select(limit => Task.Run(() => ChatApiHost.Start(
            new Dictionary<string, string?>
            {
                // The agent only has to exist: the message is refused before any provider is called.
                ["Canvas:Providers:OpenAI:ApiKey"] = "sk-never-used",
                ["Canvas:Limits:MaxMessageChars"] = $"{limit}",
            }))));
        try
        {
            var refusals = await Task.WhenAll(hosts.Select(async host =>
            {
                using var client = host.ClientFor("alice");
                using var response = await client.PostAsJsonAsync("/api/chat/sse", new { agentId = "gpt", message = new string('x', 200) });
                return (await BadInputTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, ErrorCodes.MessageTooLong))["detail"]!.GetValue<string>();
            }));

            // Assert
            Assert.Equal(hosts.Length, hosts.Select(host => host.BaseAddress).Distinct().Count());
            Assert.All(limits.Zip(refusals), pair => Assert.Contains($"{pair.First}", pair.Second));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }
}
