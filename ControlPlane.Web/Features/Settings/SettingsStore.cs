using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Settings;

/// <summary>The editable TCO figures, as the form holds them.</summary>
public sealed class TcoDraft
{
    public decimal RealtimeEngineers { get; set; }
    public decimal RealtimeHours { get; set; }
    public decimal BatchEngineers { get; set; }
    public decimal BatchHours { get; set; }
    public decimal HourlyRate { get; set; }
    public decimal Infrastructure { get; set; }

    public static TcoDraft From(TcoSettings s) => new()
    {
        RealtimeEngineers = s.RealtimeEngineers, RealtimeHours = s.RealtimeHoursPerEngineerPerMonth, BatchEngineers = s.BatchEngineers,
        BatchHours = s.BatchHoursPerEngineerPerMonth, HourlyRate = s.HourlyRate, Infrastructure = s.InfrastructurePerMonth,
    };
}

/// <summary>A new price row, as the form holds it.</summary>
public sealed class PriceDraft
{
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public decimal? InputPerMillion { get; set; }
    public decimal? OutputPerMillion { get; set; }
    public decimal? BatchDiscountPercent { get; set; } = 50;
    public DateTime? EffectiveFrom { get; set; }
    public bool SupportsRealtime { get; set; } = true;
    public bool SupportsBatch { get; set; } = true;
}

/// <summary>Saves TCO settings and prices; every change is audited in the same transaction.</summary>
public sealed class SettingsStore(IDbContextFactory<ControlPlaneDbContext> factory, ICurrentActor actor, TimeProvider clock)
{
    public async Task<TcoSettings> LoadTcoAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.TcoSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? new TcoSettings();
    }

    public async Task<IReadOnlyList<PriceCatalogEntry>> LoadPricesAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Prices.AsNoTracking().OrderBy(p => p.Provider).ThenBy(p => p.Model).ThenByDescending(p => p.EffectiveFrom).ToListAsync(cancellationToken);
    }

    /// <returns>An error a person can act on, or null when saved.</returns>
    public async Task<string?> SaveTcoAsync(TcoDraft draft, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var settings = await db.TcoSettings.SingleOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = new TcoSettings();
            db.TcoSettings.Add(settings);
        }
        var before = TcoDraft.From(settings);
        try
        {
            settings.Update(draft.RealtimeEngineers, draft.RealtimeHours, draft.BatchEngineers, draft.BatchHours, draft.HourlyRate, draft.Infrastructure, clock.GetUtcNow());
        }
        catch (DomainException ex)
        {
            return ex.Message;
        }
        var changes = new ChangeSet()
            .Compare("Real-time engineers", before.RealtimeEngineers, draft.RealtimeEngineers)
            .Compare("Real-time hours / engineer / month", before.RealtimeHours, draft.RealtimeHours)
            .Compare("Batch engineers", before.BatchEngineers, draft.BatchEngineers)
            .Compare("Batch hours / engineer / month", before.BatchHours, draft.BatchHours)
            .Compare("Hourly rate", before.HourlyRate, draft.HourlyRate)
            .Compare("Infrastructure / month", before.Infrastructure, draft.Infrastructure)
            .Changes;
        if (changes.Count == 0)
        {
            return null;
        }
        db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), actor.Name, "tco.update", "TcoSettings", TcoSettings.SingletonId.ToString(), changes));
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <returns>Field → message for what is wrong; empty when the price was added.</returns>
    public async Task<IReadOnlyDictionary<string, string>> AddPriceAsync(PriceDraft draft, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(draft.Provider)) errors[nameof(draft.Provider)] = "Choose a provider.";
        if (string.IsNullOrWhiteSpace(draft.Model)) errors[nameof(draft.Model)] = "Name the model, e.g. gpt-4o-mini.";
        if (draft.InputPerMillion is null or < 0) errors[nameof(draft.InputPerMillion)] = "Enter the input price per 1M tokens (0 or more).";
        if (draft.OutputPerMillion is null or < 0) errors[nameof(draft.OutputPerMillion)] = "Enter the output price per 1M tokens (0 or more).";
        if (draft.BatchDiscountPercent is null or < 0 or >= 100) errors[nameof(draft.BatchDiscountPercent)] = "The batch discount is a percentage from 0 to 99.";
        if (draft.EffectiveFrom is null) errors[nameof(draft.EffectiveFrom)] = "Choose the day the price takes effect.";
        if (errors.Count > 0)
        {
            return errors;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var effective = DateOnly.FromDateTime(draft.EffectiveFrom!.Value);
        var model = draft.Model.Trim();
        if (await db.Prices.AnyAsync(p => p.Provider == draft.Provider && p.Model == model && p.EffectiveFrom == effective, cancellationToken))
        {
            return new Dictionary<string, string> { [nameof(draft.EffectiveFrom)] = $"{draft.Provider}/{model} already has a price from {effective:d MMM yyyy}; pick another day." };
        }
        var price = new PriceCatalogEntry(draft.Provider, model, draft.InputPerMillion!.Value, draft.OutputPerMillion!.Value,
            draft.BatchDiscountPercent!.Value / 100m, effective, draft.SupportsRealtime, draft.SupportsBatch);
        db.Prices.Add(price);
        db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), actor.Name, "price.add", "Price", $"{price.Provider}/{price.Model}@{effective:yyyy-MM-dd}",
        [
            new FieldChange("Input / 1M", null, price.InputPerMillion.ToString("0.####")),
            new FieldChange("Output / 1M", null, price.OutputPerMillion.ToString("0.####")),
            new FieldChange("Batch discount", null, $"{draft.BatchDiscountPercent:0.##} %"),
        ]));
        await db.SaveChangesAsync(cancellationToken);
        return new Dictionary<string, string>();
    }
}
