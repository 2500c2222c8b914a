using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Rollups;
using ControlPlane.Domain.Workloads;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Rollups;

/// <summary>
/// Keeps the hourly roll-ups current. Every telemetry event since the last run marks its request's completion
/// hour as dirty; each dirty hour is rebuilt whole from its finished requests in one transaction, so a second
/// run (or two at once) writes the same rows, and a late event simply dirties its old hour again. The first run
/// on an existing database catches up every hour.
/// </summary>
public sealed class HourlyRollupJob(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock, ILogger<HourlyRollupJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var state = await db.RollupStates.FindAsync([RollupState.SingletonId], cancellationToken);
        if (state is null)
        {
            state = new RollupState();
            db.RollupStates.Add(state);
        }
        var lastEvent = await db.TelemetryEvents.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;
        var hours = state.LastRunAt is null
            ? await AllHoursAsync(db, cancellationToken)
            : await DirtyHoursAsync(db, state.LastTelemetryId, lastEvent, cancellationToken);

        var slas = await db.Workloads.AsNoTracking().ToDictionaryAsync(w => w.Id, w => w.Sla, cancellationToken);
        foreach (var hour in hours.Order())
        {
            await RebuildHourAsync(hour, slas, cancellationToken);
        }

        state.LastTelemetryId = lastEvent;
        state.LastRunAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        if (hours.Count > 0)
        {
            logger.LogInformation("Roll-ups rebuilt for {Hours} hour(s) up to telemetry event {EventId}", hours.Count, lastEvent);
        }
    }

    private static async Task<HashSet<DateTimeOffset>> AllHoursAsync(ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        var hours = new HashSet<DateTimeOffset>();
        await foreach (var completed in db.Requests.AsNoTracking().Where(r => r.CompletedAt != null)
                           .Select(r => r.CompletedAt!.Value).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            hours.Add(HourlyRollup.HourOf(completed));
        }
        return hours;
    }

    private static async Task<HashSet<DateTimeOffset>> DirtyHoursAsync(ControlPlaneDbContext db, long after, long upTo, CancellationToken cancellationToken)
    {
        var touched = from e in db.TelemetryEvents
                      where e.Id > after && e.Id <= upTo
                      join r in db.Requests on e.RequestId equals r.Id
                      where r.CompletedAt != null
                      select r.CompletedAt!.Value;
        var hours = new HashSet<DateTimeOffset>();
        await foreach (var completed in touched.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            hours.Add(HourlyRollup.HourOf(completed));
        }
        return hours;
    }

    private async Task RebuildHourAsync(DateTimeOffset hour, IReadOnlyDictionary<Guid, ServiceLevel> slas, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var end = hour.AddHours(1);
        var inHour = db.Requests.AsNoTracking().Where(r => r.CompletedAt >= hour && r.CompletedAt < end);
        var failovers = await (from f in db.FailoverEvents
                               join r in inHour on f.RequestId equals r.Id
                               group f by f.RequestId into g
                               select new FailoverFact(g.Key!.Value, g.Count(), g.Sum(x => x.ExtraCost)))
            .ToDictionaryAsync(f => f.RequestId, cancellationToken);

        var builder = new RollupBuilder(slas);
        var facts = inHour.Select(r => new RequestFact(r.Id, r.WorkloadId, r.TeamId, r.Mode, r.Provider, r.Status, r.ReceivedAt,
            r.CompletedAt!.Value, r.Deadline, r.PromotedAt, r.InputTokens, r.OutputTokens, r.Cost, r.CounterfactualCost, r.DuplicateCost));
        await foreach (var fact in facts.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            builder.Add(hour, fact, failovers.GetValueOrDefault(fact.RequestId));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.HourlyRollups.Where(r => r.HourStart == hour).ExecuteDeleteAsync(cancellationToken);
        db.HourlyRollups.AddRange(builder.Rows);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
