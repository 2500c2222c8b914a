using ControlPlane.Domain.Alerts;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Rollups;
using ControlPlane.Domain.Sla;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Alerts;

/// <summary>
/// Evaluates every alert condition (budgets at 80 % and 100 %, SLA error budget burn, batch jobs needing an
/// operator, and those of registered <see cref="IAlertSource"/>s), raises one alert per new condition, clears
/// alerts whose condition is gone, and hands new alerts to the webhook job.
/// </summary>
public sealed class AlertEvaluationJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IEnumerable<IAlertSource> sources,
    IBackgroundJobClient jobs,
    IOptions<AlertOptions> options,
    TimeProvider clock)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var holding = new List<AlertCondition>();
        holding.AddRange(await BudgetConditionsAsync(db, now, cancellationToken));
        holding.AddRange(await SlaConditionsAsync(db, now, cancellationToken));
        holding.AddRange(await BatchConditionsAsync(db, cancellationToken));
        holding.AddRange(sources.SelectMany(s => s.CurrentConditions(now)));

        var open = await db.Alerts.Where(a => a.ClearedAt == null).ToListAsync(cancellationToken);
        var changes = AlertReconciler.Reconcile(open, holding, now);
        db.Alerts.AddRange(changes.Raised);
        await db.SaveChangesAsync(cancellationToken);

        if (!string.IsNullOrWhiteSpace(options.Value.WebhookUrl))
        {
            foreach (var alert in changes.Raised)
            {
                jobs.Enqueue<AlertWebhookJob>(job => job.RunAsync(alert.Id, CancellationToken.None));
            }
        }
    }

    private static async Task<IEnumerable<AlertCondition>> BudgetConditionsAsync(ControlPlaneDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var month = monthStart.ToString("yyyy-MM");
        var spend = await db.HourlyRollups.Where(r => r.HourStart >= monthStart)
            .GroupBy(r => new { r.WorkloadId, r.TeamId })
            .Select(g => new { g.Key.WorkloadId, g.Key.TeamId, Spend = g.Sum(r => (double)r.Cost + (double)r.DuplicateCost) })
            .ToListAsync(cancellationToken);
        var workloads = await db.Workloads.AsNoTracking().Where(w => !w.IsArchived).ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToListAsync(cancellationToken);
        return workloads.Select(w => AlertRules.Budget("workload", w.Id, w.Name, w.MonthlyBudget,
                (decimal)spend.Where(s => s.WorkloadId == w.Id).Sum(s => s.Spend), month, $"/workloads/{w.Slug}"))
            .Concat(teams.Select(t => AlertRules.Budget("team", t.Id, t.Name, t.MonthlyBudget,
                (decimal)spend.Where(s => s.TeamId == t.Id).Sum(s => s.Spend), month, "/costs")))
            .OfType<AlertCondition>();
    }

    private async Task<IEnumerable<AlertCondition>> SlaConditionsAsync(ControlPlaneDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The current (partial) hour and the one before it: about the last hour of finished requests.
        var from = HourlyRollup.HourOf(now).AddHours(-1);
        var rows = await db.HourlyRollups.AsNoTracking().Where(r => r.HourStart >= from)
            .GroupBy(r => r.WorkloadId)
            .Select(g => new { WorkloadId = g.Key, Terminal = g.Sum(r => r.Requests), Succeeded = g.Sum(r => r.Succeeded), Within = g.Sum(r => r.WithinSla) })
            .ToListAsync(cancellationToken);
        var workloads = await db.Workloads.AsNoTracking().Where(w => !w.IsArchived).ToDictionaryAsync(w => w.Id, cancellationToken);
        var settings = options.Value;
        return rows.Where(r => workloads.ContainsKey(r.WorkloadId)).Select(r =>
        {
            var workload = workloads[r.WorkloadId];
            var figures = new SlaFigures(r.Terminal, r.Succeeded, r.Within, workload.Sla.AvailabilityTargetPercent ?? 99m);
            return AlertRules.SlaBurn(workload.Id, workload.Name, figures, settings.SlaBurnRate, settings.SlaMinimumRequests, "/sla");
        }).OfType<AlertCondition>();
    }

    private static async Task<IEnumerable<AlertCondition>> BatchConditionsAsync(ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        var flagged = await db.BatchJobs.AsNoTracking()
            .Where(b => b.AttentionReason != null && b.Status != BatchJobStatus.Ingested && b.Status != BatchJobStatus.Promoted
                        && b.Status != BatchJobStatus.Cancelled && b.Status != BatchJobStatus.Failed && b.Status != BatchJobStatus.Expired)
            .Select(b => new { b.Id, b.Provider, b.Model, b.AttentionReason, b.RequestCount })
            .ToListAsync(cancellationToken);
        return flagged.Select(b => new AlertCondition($"batch:{b.Id}", "batch",
            b.AttentionReason!.Contains("budget", StringComparison.OrdinalIgnoreCase) ? AlertSeverity.Critical : AlertSeverity.Warning,
            $"Batch job of {b.RequestCount:N0} requests on {b.Provider}/{b.Model} needs an operator",
            b.AttentionReason!, $"/batches/{b.Id}"));
    }
}
