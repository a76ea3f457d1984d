using Canvas.ChatApi.Backplane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Canvas.Tests.Backplane;

/// <summary>The backplane contract, held by <see cref="InProcessGenerationBackplane"/>.</summary>
public sealed class InProcessGenerationBackplaneTests : GenerationBackplaneContractTests
{
    // One process is one replica: a "peer" of an in-process backplane is the backplane itself.
    private readonly Dictionary<BackplaneOptions, InProcessGenerationBackplane> backplanes = [];

    /// <inheritdoc/>
    protected override Task<IGenerationBackplane> CreateBackplaneAsync(BackplaneOptions options)
    {
        var backplane = new InProcessGenerationBackplane(
            Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System,
            NullLogger<InProcessGenerationBackplane>.Instance);
        backplanes.Add(options, backplane);
        return Task.FromResult<IGenerationBackplane>(backplane);
    }

    /// <inheritdoc/>
    protected override Task<IGenerationBackplane> CreatePeerAsync(BackplaneOptions options) =>
        Task.FromResult<IGenerationBackplane>(backplanes[options]);

    /// <inheritdoc/>
    public override Task DisposeAsync()
    {
        foreach (var backplane in backplanes.Values)
        {
            backplane.Dispose();
        }

        return Task.CompletedTask;
    }
}
