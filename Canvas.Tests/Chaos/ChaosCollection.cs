namespace Canvas.Tests.Chaos;

/// <summary>
/// The chaos samples, one at a time: each runs three ChatApi processes and Redis, and two at once on a 2-core machine
/// would starve each other's instances.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";

    /// <summary>
    /// The hang bound of the samples: a hang is forever, while a machine busy with the rest of the suite (and more) may
    /// keep a healthy answer from its client for a minute; three minutes tells the two apart without timing anything.
    /// </summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromMinutes(3);
}
