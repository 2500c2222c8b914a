using ControlPlane.Web.Features.Dashboards;
using ControlPlane.Web.Features.Overview;
using ControlPlane.Web.Tests.Workloads;

namespace ControlPlane.Web.Tests.Dashboards;

public sealed class OverviewTrendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SpendTrend_WithoutDataFromLastMonth_SaysThereIsNothingToCompareWith()
    {
        // A month of history that starts after the 1st of last month: "+374276 %" against its first hours would mislead.
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var now = clock.GetUtcNow();
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", now.AddDays(-30), 0.01m, cancellationToken: Ct);
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", now.AddHours(-2), 0.40m, cancellationToken: Ct);
        await FinishedTraffic.RollUpAsync(database, clock, Ct);

        var view = await OverviewView.LoadAsync(database, TimeRange.Last7Days(now), now, Ct);

        Assert.Equal("no data from last month to compare with yet", view.SpendTrend);
    }

    [Fact]
    public async Task SpendTrend_WithDataFromTheStartOfLastMonth_ComparesTheSameDays()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var now = clock.GetUtcNow();
        var lastMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", lastMonth.AddHours(1), 0.20m, cancellationToken: Ct);
        await FinishedTraffic.AddRealtimeAsync(database, "customer-chatbot", now.AddHours(-2), 0.40m, cancellationToken: Ct);
        await FinishedTraffic.RollUpAsync(database, clock, Ct);

        var view = await OverviewView.LoadAsync(database, TimeRange.Last7Days(now), now, Ct);

        Assert.Equal("+100 % vs same days last month", view.SpendTrend);
    }
}
