using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Canvas.Tests.Browser.Accessibility;

/// <summary>
/// axe-core, the accessibility engine, installed from npm on first use: <c>package.json</c> and its lock file are
/// copied beside the test assembly, and <c>npm ci</c> restores them there, so nothing lands in the source tree and
/// nothing is downloaded while a page runs. The script is injected with <c>AddScriptTagAsync</c>.
/// </summary>
public static class AxeCore
{
    private static readonly SemaphoreSlim Restore = new(1, 1);
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Browser", "Accessibility");
    private static readonly string Script = Path.Combine(Folder, "node_modules", "axe-core", "axe.min.js");

    /// <summary>The impacts the check fails on.</summary>
    private static readonly string[] Failing = ["serious", "critical"];

    /// <summary>
    /// Runs axe on the page (WCAG 2.x A and AA rules and axe's best practices) and returns the serious and critical
    /// violations, one line each: rule, impact, what is wrong and where.
    /// </summary>
    /// <param name="page">The page, in the state to check.</param>
    /// <returns>The violations; empty when the page passes.</returns>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        await EnsureRestoredAsync();
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Script });
        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }))
              .violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })))
            """);
        return JsonSerializer.Deserialize<List<Violation>>(json, JsonSerializerOptions.Web)!
            .Where(violation => Failing.Contains(violation.Impact))
            .Select(violation => $"{violation.Id} ({violation.Impact}): {violation.Help} at {string.Join(", ", violation.Targets)}")
            .ToList();
    }

    private static async Task EnsureRestoredAsync()
    {
        await Restore.WaitAsync();
        try
        {
            if (File.Exists(Script))
            {
                return;
            }

            var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
            {
                WorkingDirectory = Folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("npm could not be started: the accessibility check needs Node.js and npm.");
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            if (npm.ExitCode != 0 || !File.Exists(Script))
            {
                throw new InvalidOperationException($"`npm ci` in {Folder} could not restore axe-core (exit code {npm.ExitCode}): {await errors}");
            }
        }
        finally
        {
            Restore.Release();
        }
    }

    private sealed record Violation(string Id, string Impact, string Help, string[] Targets);
}
