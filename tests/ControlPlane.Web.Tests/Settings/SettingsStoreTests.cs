using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Features.Settings;
using ControlPlane.Web.Tests.Workloads;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Tests.Settings;

public sealed class SettingsStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveTco_RecordsBeforeAndAfterOfWhatChanged()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var store = new SettingsStore(database, new PlaceholderActor(), clock);
        var draft = TcoDraft.From(await store.LoadTcoAsync(Ct));
        draft.BatchHours = 80;

        Assert.Null(await store.SaveTcoAsync(draft, Ct));

        await using var db = database.CreateDbContext();
        Assert.Equal(80, (await db.TcoSettings.SingleAsync(Ct)).BatchHoursPerEngineerPerMonth);
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == "tco.update", Ct);
        var change = Assert.Single(entry.Changes);
        Assert.Equal(("Batch hours / engineer / month", "60", "80"), (change.Field, change.Before, change.After));
    }

    [Fact]
    public async Task SaveTco_WithImpossibleHours_IsRefusedAndNothingIsStored()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var store = new SettingsStore(database, new PlaceholderActor(), clock);
        var draft = TcoDraft.From(await store.LoadTcoAsync(Ct));
        draft.BatchHours = 1_000;

        Assert.Equal("A month has at most 744 hours.", await store.SaveTcoAsync(draft, Ct));

        await using var db = database.CreateDbContext();
        Assert.Equal(60, (await db.TcoSettings.SingleAsync(Ct)).BatchHoursPerEngineerPerMonth);
        Assert.False(await db.AuditEntries.AnyAsync(Ct));
    }

    [Fact]
    public async Task AddPrice_ExplainsEachMissingFieldAndRefusesADuplicateDay()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        var store = new SettingsStore(database, new PlaceholderActor(), clock);

        var errors = await store.AddPriceAsync(new PriceDraft { InputPerMillion = -1 }, Ct);
        Assert.Equal(["EffectiveFrom", "InputPerMillion", "Model", "OutputPerMillion", "Provider"], errors.Keys.Order());

        var draft = new PriceDraft { Provider = "openai", Model = "gpt-4o-mini", InputPerMillion = 0.1m, OutputPerMillion = 0.4m, EffectiveFrom = new DateTime(2026, 1, 1) };
        Assert.Empty(await store.AddPriceAsync(draft, Ct));
        Assert.Contains("already has a price", (await store.AddPriceAsync(draft, Ct))["EffectiveFrom"]);

        await using var db = database.CreateDbContext();
        Assert.Equal(2, await db.Prices.CountAsync(p => p.Model == "gpt-4o-mini", Ct));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "price.add", Ct));
    }
}
