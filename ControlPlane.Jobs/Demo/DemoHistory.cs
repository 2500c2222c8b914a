using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Demo;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Rollups;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Demo;

/// <summary>What one generation of demo history produced.</summary>
public sealed record DemoHistoryResult(
    DateTimeOffset From, DateTimeOffset To, int Requests, int Realtime, int Batch, int BatchJobs, int Promotions, int Fallbacks,
    IReadOnlyList<ProviderIncident> Incidents, TimeSpan Elapsed);

/// <summary>
/// On the first start in demo mode, gives the dashboards a month of data at once: demo traffic for the last
/// <see cref="DemoHistoryOptions.Days"/> days is sent through the real request service (routing by segment and
/// deadline, the real-time executor with retries and fallbacks, costs), the real batch engine (assembly, submission,
/// polling, ingestion at batch prices, stuck detection and promotion), and the real roll-up and alert jobs, on a
/// <see cref="SimulatedClock"/> stepped from then to now. Nothing is written by hand: every row comes from the code
/// that writes it in the live app, which carries on from there with the real clock.
/// </summary>
/// <remarks>
/// Runs once per database. An audit entry marks the start and another the completion; the start marker is written in
/// the same transaction that checks there is none and no request at all yet, so a restart (or a second instance)
/// never generates it again. A run that was interrupted (the process stopped during the first start) is not resumed
/// or repeated: what it wrote stays, and a warning says so, because generating the missing part would need to know
/// exactly which simulated steps had finished, and duplicating traffic would be worse than a shorter history.
/// </remarks>
public sealed class DemoHistory(
    IServiceProvider services,
    IEnumerable<IInferenceProvider> configuredAdapters,
    IDbContextFactory<ControlPlaneDbContext> factory,
    IOptions<DemoHistoryOptions> options,
    IOptions<SimulatorOptions> simulator,
    TimeProvider clock,
    ILogger<DemoHistory> logger)
{
    public const string Actor = "system (demo history)";
    public const string StartedAction = "demo.history.started";
    public const string CompletedAction = "demo.history.completed";

    /// <summary>
    /// How far the simulated clock moves between two ticks of the batch engine's recurring jobs. Real-time requests
    /// are unaffected (each runs at its own arrival time); an hour keeps batch work moving on a month's scale while the
    /// fixed cost of each tick stays small.
    /// </summary>
    public static readonly TimeSpan Step = TimeSpan.FromHours(1);

    /// <summary>How often the roll-up and alert jobs run in simulated time (and once more at the end).</summary>
    public static readonly TimeSpan RollupEvery = TimeSpan.FromHours(6);

    /// <summary>Generates the history if this database has never had it and has no traffic yet; null when it did nothing.</summary>
    public async Task<DemoHistoryResult?> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Days == 0)
        {
            return null;
        }
        if (configuredAdapters.Any() || !simulator.Value.StandInForUnconfiguredProviders)
        {
            // History always runs on the Simulator; its batches still open at the end are finished by the live engine,
            // which must then also be the Simulator. With real providers configured this is not the embedded default.
            logger.LogInformation("Demo history is generated only for the embedded default, where the Simulator serves every provider");
            return null;
        }
        var started = clock.GetTimestamp();
        var end = clock.GetUtcNow();
        var start = HourlyRollup.HourOf(end).AddDays(-settings.Days);
        if (!await ClaimAsync(start, end, settings.Days, cancellationToken))
        {
            return null;
        }
        logger.LogInformation("Demo history: generating {Days} days of demo traffic ({From:yyyy-MM-dd HH:mm} to {To:yyyy-MM-dd HH:mm} UTC) " +
            "through the request path and the batch engine on a simulated clock; the app serves once it is done", settings.Days, start, end);
        try
        {
            var incidents = await GenerateAsync(start, end, settings, cancellationToken);
            var result = await SummariseAsync(start, end, incidents, clock.GetElapsedTime(started), cancellationToken);
            await MarkCompletedAsync(result, cancellationToken);
            logger.LogInformation("Demo history: {Requests:N0} requests ({Realtime:N0} real time, {Batch:N0} batch in {Jobs:N0} batch jobs, " +
                "{Promotions} promotions, {Fallbacks} fallbacks) in {Seconds:0.0} s", result.Requests, result.Realtime, result.Batch,
                result.BatchJobs, result.Promotions, result.Fallbacks, result.Elapsed.TotalSeconds);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The demo history is a convenience: the app starts without (the rest of) it rather than not at all.
            logger.LogError(ex, "Demo history failed part-way; the app starts with what was generated and does not try again");
            return null;
        }
    }

    private async Task<IReadOnlyList<ProviderIncident>> GenerateAsync(DateTimeOffset start, DateTimeOffset end, DemoHistoryOptions settings,
        CancellationToken cancellationToken)
    {
        var simulated = new SimulatedClock(start);
        var random = new Random(simulator.Value.Seed);
        var incidents = ProviderIncident.Draw(start, end, random);
        await using var engine = await HistoryEngine.StartAsync(services, simulated, incidents, cancellationToken);
        var sent = 0;
        var reportedDay = 0;
        for (var from = start; from < end; from += Step)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var to = from + Step < end ? from + Step : end;
            // A little growth over the period, so this month's trend differs from the last.
            var growth = 0.85 + 0.3 * ((from - start) / (end - start));
            var arrivals = DemoTraffic.Arrivals(from, to, settings.RequestsPerDay * growth, random);
            // Prompts are drawn in arrival order before the requests run side by side, each in its own flow.
            await Task.WhenAll(arrivals.Select(a => engine.SubmitAsync(a, DemoPrompts.For(a.Workload, ++sent, random))).ToList());
            simulated.AdvanceTo(to);
            await engine.TickAsync(cancellationToken);
            if ((to - start).Ticks % RollupEvery.Ticks == 0)
            {
                await engine.RollUpAsync(cancellationToken);
            }
            var day = (int)((to - start) / TimeSpan.FromDays(1));
            if (day > reportedDay)
            {
                reportedDay = day;
                logger.Log(day % 5 == 0 || day == settings.Days ? LogLevel.Information : LogLevel.Debug,
                    "Demo history: {Day} of {Days} days, {Requests:N0} requests", day, settings.Days, sent);
            }
        }
        // The last telemetry is written before the last roll-up, so the roll-ups cover everything up to now.
        await engine.StopWritersAsync();
        await engine.RollUpAsync(cancellationToken);
        return incidents;
    }

    private async Task<bool> ClaimAsync(DateTimeOffset start, DateTimeOffset end, int days, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // SQLite: BEGIN IMMEDIATE takes the write lock, so a second instance starting at once waits here and then sees the marker.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var markers = await db.AuditEntries.AsNoTracking()
            .Where(a => a.Action == StartedAction || a.Action == CompletedAction)
            .Select(a => a.Action)
            .ToListAsync(cancellationToken);
        if (markers.Contains(CompletedAction))
        {
            return false;
        }
        if (markers.Contains(StartedAction))
        {
            logger.LogWarning("Demo history was interrupted during the first start and is not generated again, so that no traffic is " +
                "duplicated; the dashboards show what it wrote. Delete the data folder to start afresh with a full month");
            return false;
        }
        if (await db.Requests.AnyAsync(cancellationToken))
        {
            logger.LogInformation("Demo history is generated only on a first start: this database already has requests");
            return false;
        }
        db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), Actor, StartedAction, "DemoHistory", "demo-history", reason:
            $"Generating {days} days of demo traffic ({start:yyyy-MM-dd HH:mm} to {end:yyyy-MM-dd HH:mm} UTC) on a simulated clock."));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<DemoHistoryResult> SummariseAsync(DateTimeOffset start, DateTimeOffset end, IReadOnlyList<ProviderIncident> incidents,
        TimeSpan elapsed, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var requests = db.Requests.Where(r => r.ReceivedAt >= start && r.ReceivedAt <= end);
        var byMode = await requests.GroupBy(r => r.Mode).Select(g => new { Mode = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var failovers = await db.FailoverEvents.GroupBy(f => f.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new DemoHistoryResult(start, end,
            byMode.Sum(m => m.Count),
            byMode.Where(m => m.Mode == RequestMode.Realtime).Sum(m => m.Count),
            byMode.Where(m => m.Mode == RequestMode.Batch).Sum(m => m.Count),
            await db.BatchJobs.CountAsync(cancellationToken),
            failovers.Where(f => f.Kind == FailoverKind.Promotion).Sum(f => f.Count),
            failovers.Where(f => f.Kind == FailoverKind.Fallback).Sum(f => f.Count),
            incidents, elapsed);
    }

    private async Task MarkCompletedAsync(DemoHistoryResult result, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), Actor, CompletedAction, "DemoHistory", "demo-history", reason:
            $"{result.Requests:N0} demo requests ({result.Realtime:N0} real time, {result.Batch:N0} batch in {result.BatchJobs:N0} batch jobs) " +
            $"from {result.From:yyyy-MM-dd HH:mm} to {result.To:yyyy-MM-dd HH:mm} UTC, generated in {result.Elapsed.TotalSeconds:0.0} s."));
        await db.SaveChangesAsync(cancellationToken);
    }
}
