using Canvas.ChatApi.Apis;
using Canvas.ChatApi.Capacity;

namespace Canvas.Tests.Capacity;

/// <summary>
/// What an instance can carry follows its open-file limit: two descriptors a running answer (its client's and its
/// provider's socket), one a client connection, less a reserve; a configured cap replaces the derived one, and the
/// descriptors still bound it.
/// </summary>
public sealed class InstanceCapacityTests
{
    [Fact]
    public void OpenFileLimitParse_ALinuxLimitsFile_IsItsSoftLimit()
    {
        // Arrange: the rows around it as Linux writes them.
        string[] limits =
        [
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max processes             127573               127573               processes ",
            "Max open files            20000                524288               files     ",
            "Max locked memory         8388608              8388608              bytes     ",
        ];

        // Act
        var limit = OpenFileLimit.Parse(limits);

        // Assert
        Assert.Equal(20_000, limit);
    }

    [Fact]
    public void OpenFileLimitParse_UnlimitedOrAbsent_IsNoLimit()
    {
        // Act
        var unlimited = OpenFileLimit.Parse(["Max open files            unlimited            unlimited            files     "]);
        var absent = OpenFileLimit.Parse(["Max processes             127573               127573               processes "]);

        // Assert
        Assert.Null(unlimited);
        Assert.Null(absent);
    }

    [Fact]
    public void MaxAnswers_DerivedFromTheLimit_IsHalfOfWhatTheReserveLeaves()
    {
        // Act
        var capacity = new InstanceCapacity(new ChatLimitsOptions(), openFileLimit: 20_000);

        // Assert
        Assert.Equal(19_000, capacity.Descriptors);
        Assert.Equal(9_500, capacity.MaxAnswers);
        Assert.False(capacity.IsConfigured);
    }

    [Fact]
    public void MaxAnswers_WithoutALimit_IsUncapped_UnlessConfigured()
    {
        // Act
        var uncapped = new InstanceCapacity(new ChatLimitsOptions(), openFileLimit: null);
        var configured = new InstanceCapacity(new ChatLimitsOptions { MaxConcurrentAnswers = 3 }, openFileLimit: null);

        // Assert
        Assert.Null(uncapped.MaxAnswers);
        Assert.NotNull(uncapped.TryTakeAnswer());
        Assert.True(uncapped.HasRoomForStream);
        Assert.Equal(3, configured.MaxAnswers);
    }

    [Fact]
    public void TryTakeAnswer_PastTheConfiguredCap_IsRefused_UntilAnAnswerEnds()
    {
        // Arrange
        var capacity = new InstanceCapacity(new ChatLimitsOptions { MaxConcurrentAnswers = 2 }, openFileLimit: 20_000);
        using var first = capacity.TryTakeAnswer();
        var second = capacity.TryTakeAnswer()!;

        // Act
        var third = capacity.TryTakeAnswer();
        second.Dispose();
        second.Dispose();
        using var afterOneEnded = capacity.TryTakeAnswer();
        var oneTooMany = capacity.TryTakeAnswer();

        // Assert
        Assert.NotNull(first);
        Assert.Null(third);
        Assert.NotNull(afterOneEnded);
        Assert.Null(oneTooMany);
        Assert.Equal(2, capacity.Answers);
    }

    [Fact]
    public void TryTakeAnswer_AConfiguredCapAboveTheDescriptors_IsStillBoundByThem()
    {
        // Arrange: 4 descriptors, a cap of 100; each answer's client has a connection of its own.
        var capacity = new InstanceCapacity(new ChatLimitsOptions { MaxConcurrentAnswers = 100, ReservedFileDescriptors = 1_000 }, openFileLimit: 1_004);
        var connections = Enumerable.Range(0, 3).Select(_ => capacity.OpenConnection()).ToList();

        // Act
        var first = capacity.TryTakeAnswer();
        var second = capacity.TryTakeAnswer();

        // Assert: 3 connections + 1 answer fit, + 2 answers do not; nor does a stream on a fourth connection.
        Assert.NotNull(first);
        Assert.Null(second);
        Assert.True(capacity.HasRoomForStream);
        using var fourth = capacity.OpenConnection();
        Assert.False(capacity.HasRoomForStream);
        connections[0].Dispose();
        Assert.True(capacity.HasRoomForStream);
    }

    [Fact]
    public void HandOver_TheStartsSlotDisposed_KeepsThePlaceUntilTheRunnersSlotIs()
    {
        // Arrange
        var capacity = new InstanceCapacity(new ChatLimitsOptions { MaxConcurrentAnswers = 1 }, openFileLimit: null);
        var started = capacity.TryTakeAnswer()!;

        // Act
        var running = started.HandOver();
        started.Dispose();
        var whileRunning = capacity.TryTakeAnswer();
        running.Dispose();
        using var afterIt = capacity.TryTakeAnswer();

        // Assert
        Assert.Null(whileRunning);
        Assert.NotNull(afterIt);
    }
}
