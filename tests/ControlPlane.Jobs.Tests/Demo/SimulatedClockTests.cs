using ControlPlane.Jobs.Demo;

namespace ControlPlane.Jobs.Tests.Demo;

public sealed class SimulatedClockTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    // Far longer than the test may take: a delay that really waited would fail the WaitAsync below.
    private static readonly TimeSpan LongDelay = TimeSpan.FromHours(3);

    [Fact]
    public async Task Delay_InAFlow_PassesAtOnceAndMovesOnlyThatFlowsTime()
    {
        var clock = new SimulatedClock(T0);
        DateTimeOffset afterLong = default, afterShort = default;

        var slow = clock.RunAsync(T0, async () =>
        {
            await Task.Delay(LongDelay, clock, TestContext.Current.CancellationToken);
            afterLong = clock.GetUtcNow();
        });
        var quick = clock.RunAsync(T0.AddMinutes(5), async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(450), clock, TestContext.Current.CancellationToken);
            afterShort = clock.GetUtcNow();
        });
        await Task.WhenAll(slow, quick).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(T0 + LongDelay, afterLong);
        Assert.Equal(T0.AddMinutes(5).AddMilliseconds(450), afterShort);
        Assert.Equal(T0, clock.Now);
        Assert.Equal(T0, clock.GetUtcNow());
    }

    [Fact]
    public async Task ElapsedTime_InAFlow_IsTheSimulatedWait()
    {
        var clock = new SimulatedClock(T0);
        TimeSpan elapsed = default;
        await clock.RunAsync(T0, async () =>
        {
            var started = clock.GetTimestamp();
            await Task.Delay(TimeSpan.FromMilliseconds(1234), clock, TestContext.Current.CancellationToken);
            elapsed = clock.GetElapsedTime(started);
        }).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromMilliseconds(1234), elapsed);
    }

    [Fact]
    public async Task Timeout_InAFlow_FiresOnlyOnceTheFlowsTimePassesIt()
    {
        var clock = new SimulatedClock(T0);
        var cancelledEarly = true;
        var cancelledLate = false;
        await clock.RunAsync(T0, async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), clock);
            await Task.Delay(TimeSpan.FromSeconds(10), clock, TestContext.Current.CancellationToken);
            cancelledEarly = timeout.IsCancellationRequested;
            await Task.Delay(TimeSpan.FromSeconds(25), clock, TestContext.Current.CancellationToken);
            cancelledLate = timeout.IsCancellationRequested;
        }).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(cancelledEarly);
        Assert.True(cancelledLate);
    }

    [Fact]
    public async Task Delay_OutsideAFlow_WaitsUntilTheClockIsAdvanced()
    {
        var clock = new SimulatedClock(T0);
        var delay = Task.Delay(TimeSpan.FromMinutes(1), clock, TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(delay.IsCompleted);

        clock.AdvanceTo(T0.AddSeconds(59));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(delay.IsCompleted);

        clock.AdvanceTo(T0.AddMinutes(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(T0.AddMinutes(1), clock.Now);
    }

    [Fact]
    public void AdvanceTo_NeverMovesTheClockBack()
    {
        var clock = new SimulatedClock(T0);
        clock.AdvanceTo(T0.AddHours(2));
        clock.AdvanceTo(T0.AddHours(1));
        Assert.Equal(T0.AddHours(2), clock.GetUtcNow());
    }
}
