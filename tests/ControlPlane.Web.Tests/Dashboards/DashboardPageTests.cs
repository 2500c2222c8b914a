using Bunit;
using ControlPlane.Domain;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Components;
using ControlPlane.Web.Features.Costs;
using ControlPlane.Web.Features.Overview;
using ControlPlane.Web.Features.Sla;
using ControlPlane.Web.Tests.Infrastructure;
using ControlPlane.Web.Tests.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace ControlPlane.Web.Tests.Dashboards;

public sealed class DashboardPageTests : BunitContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _clock = DemoData.Clock();
    private InMemoryDatabase? _database;

    public DashboardPageTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(Options.Create(new ControlPlaneOptions()));
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private async Task<InMemoryDatabase> SeedAsync()
    {
        _database = await DemoData.SeededDatabaseAsync(_clock, Ct);
        Services.AddSingleton<IDbContextFactory<ControlPlaneDbContext>>(_database);
        var now = _clock.GetUtcNow();
        await FinishedTraffic.AddRealtimeAsync(_database, "customer-chatbot", now.AddHours(-2), 0.40m, cancellationToken: Ct);
        await FinishedTraffic.AddRealtimeAsync(_database, "customer-chatbot", now.AddHours(-2), 0.60m, latencyMs: 9_000, cancellationToken: Ct);
        await FinishedTraffic.AddBatchAsync(_database, "document-processing", now.AddHours(-3), 1.00m, 2.00m, Ct);
        await FinishedTraffic.RollUpAsync(_database, _clock, Ct);
        return _database;
    }

    [Fact]
    public void KpiCard_ShowsLabelValueAndHint()
    {
        var card = Render<KpiCard>(p => p.Add(c => c.Id, "spend").Add(c => c.Label, "Spend").Add(c => c.Value, "$1.00").Add(c => c.Hint, "+5 %"));

        Assert.Equal("$1.00", card.Find("[data-kpi-value=spend]").TextContent);
        Assert.Contains("Spend", card.Markup);
        Assert.Contains("+5 %", card.Markup);
    }

    [Fact]
    public async Task Costs_ShowSpendCounterfactualAndSavingsFromRollups()
    {
        await SeedAsync();

        var page = Render<CostsPage>();

        page.WaitForAssertion(() => Assert.Equal("$2.00", page.Find("[data-kpi-value=cost-spend]").TextContent));
        Assert.Equal("$3.00", page.Find("[data-kpi-value=cost-counterfactual]").TextContent);
        Assert.Equal("$1.00", page.Find("[data-kpi-value=cost-savings]").TextContent);
        Assert.Equal("$2.00", page.Find("#cost-total-spend").TextContent.Trim());
        Assert.Contains("Real-time", page.Find("#cost-table").TextContent);
    }

    [Fact]
    public async Task Overview_ShowsMonthSpendAndMergedCompliance()
    {
        await SeedAsync();

        var page = Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal("$2.00", page.Find("[data-kpi-value=spend]").TextContent));
        Assert.Equal("$1.00", page.Find("[data-kpi-value=savings]").TextContent);
        // One of three finished requests took 9 s against the chatbot's 2.5 s target.
        Assert.Equal("66.67 %", page.Find("[data-kpi-value=sla]").TextContent);
    }

    [Fact]
    public async Task Sla_HighlightsAWorkloadThatBreachesItsTarget()
    {
        await SeedAsync();

        var page = Render<SlaPage>();

        page.WaitForAssertion(() => Assert.Contains("50 % breaching", page.Find("[data-compliance=customer-chatbot]").TextContent));
        Assert.Contains("100 %", page.Find("[data-compliance=document-processing]").TextContent);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _database?.Dispose();
        }
    }
}
