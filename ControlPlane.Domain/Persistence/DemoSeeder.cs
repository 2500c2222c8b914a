using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Demo;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Domain.Persistence;

/// <summary>
/// Seeds demo teams, workloads, prices and TCO defaults. Idempotent: each item is added only when its
/// natural key (slug; provider + model + date) is absent, so restarts never duplicate and edits survive.
/// No history rows are invented here: history comes from demo traffic through the real request path.
/// </summary>
public sealed class DemoSeeder(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock, ILogger<DemoSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var added = 0;

        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var demo in DemoWorkloads.Teams.Where(t => !teams.ContainsKey(t.Slug)))
        {
            var team = new Team(demo.Slug, demo.Name, now) { MonthlyBudget = demo.MonthlyBudget };
            db.Teams.Add(team);
            teams[demo.Slug] = team;
            added++;
        }

        var workloadSlugs = await db.Workloads.Select(w => w.Slug).ToListAsync(cancellationToken);
        foreach (var demo in DemoWorkloads.Workloads.Where(w => !workloadSlugs.Contains(w.Slug)))
        {
            var workload = new Workload(teams[demo.TeamSlug].Id, demo.Slug, demo.Name, demo.Segment, demo.Sla,
                ModelRef.Parse(demo.RealtimeModel), demo.BatchModel is null ? null : ModelRef.Parse(demo.BatchModel), now)
            {
                Description = demo.Description,
                Volume = demo.Volume,
                Criticality = demo.Criticality,
                PersonWaits = demo.PersonWaits,
                MonthlyBudget = demo.MonthlyBudget,
                Promotion = demo.Promotion,
            };
            workload.SetFallbackChain(demo.Fallbacks.Select(ModelRef.Parse));
            db.Workloads.Add(workload);
            added++;
        }

        var prices = await db.Prices.Select(p => new { p.Provider, p.Model, p.EffectiveFrom }).ToListAsync(cancellationToken);
        foreach (var price in DemoCatalog.Prices().Where(p => !prices.Contains(new { p.Provider, p.Model, p.EffectiveFrom })))
        {
            db.Prices.Add(price);
            added++;
        }

        if (!await db.TcoSettings.AnyAsync(cancellationToken))
        {
            var tco = new TcoSettings();
            // Defaults: half an engineer-week a month keeps the real-time path healthy; the batch path
            // (pipelines, polling, reconciliation) takes one engineer 60 hours a month.
            tco.Update(realtimeEngineers: 0.5m, realtimeHours: 40m, batchEngineers: 1m, batchHours: 60m,
                hourlyRate: 120m, infrastructurePerMonth: 1_500m, now);
            db.TcoSettings.Add(tco);
            added++;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (added > 0)
        {
            logger.LogInformation("Demo data: added {Count} rows (teams, workloads, prices, TCO defaults)", added);
        }
    }
}
