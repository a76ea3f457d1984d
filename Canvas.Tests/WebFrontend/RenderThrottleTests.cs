using Canvas.WebFrontend.Client.Session;
using Microsoft.Extensions.Time.Testing;

namespace Canvas.Tests.WebFrontend;

public sealed class RenderThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void Request_ManyWithinAnInterval_RendersOnTheLeadingEdgeAndOnceOnTheTrailingEdge()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(Interval, time, () => renders++);

        // Act: a hundred tokens arrive within 10 ms.
        for (var i = 0; i < 100; i++)
        {
            throttle.Request();
            time.Advance(TimeSpan.FromMilliseconds(0.1));
        }

        var beforeTrailingEdge = renders;
        time.Advance(Interval);

        // Assert
        Assert.Equal(1, beforeTrailingEdge);
        Assert.Equal(2, renders);
    }

    [Fact]
    public void Request_OneSecondAt100TokensPerSecond_RendersAboutTwentyTimes()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(Interval, time, () => renders++);

        // Act
        for (var i = 0; i < 100; i++)
        {
            throttle.Request();
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Assert: once per 50 ms, never once per token
        Assert.InRange(renders, 19, 21);
    }

    [Fact]
    public void Flush_WithARenderPending_RendersNowAndCancelsThePendingOne()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(Interval, time, () => renders++);
        throttle.Request();
        throttle.Request();

        // Act
        throttle.Flush();
        time.Advance(Interval * 2);

        // Assert
        Assert.Equal(2, renders);
    }

    [Fact]
    public void Request_ZeroInterval_RendersEveryTime()
    {
        var renders = 0;
        using var throttle = new RenderThrottle(TimeSpan.Zero, new FakeTimeProvider(), () => renders++);

        for (var i = 0; i < 10; i++)
        {
            throttle.Request();
        }

        Assert.Equal(10, renders);
    }

    [Theory]
    [InlineData("http://localhost/c/c_1?renderEveryMs=0", 0)]
    [InlineData("http://localhost/?x=1&renderEveryMs=120", 120)]
    [InlineData("http://localhost/", 50)]
    [InlineData("http://localhost/?renderEveryMs=-5", 50)]
    public void IntervalFrom_TheAddress_ReadsRenderEveryMsOrDefaults(string address, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), RenderThrottle.IntervalFrom(address));
    }
}
