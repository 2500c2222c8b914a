using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.E2E.Journeys;

/// <summary>
/// A month of finished requests in the e2e app's database, written through the domain's own lifecycle (real-time,
/// batch, a fallback) and rolled up by the real <see cref="HourlyRollupJob"/>. Written once per run: journeys that
/// need history call <see cref="EnsureAsync"/>; they run in <see cref="FinishedTrafficCollection"/>, after the
/// parallel journeys that compare counts with the database, so the history never appears under them mid-test.
/// </summary>
public static class FinishedTraffic
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _written;

    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (!_written)
            {
                await WriteAsync(services, cancellationToken);
                _written = true;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task WriteAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        var clock = services.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var workloads = await db.Workloads.AsNoTracking().Where(w => !w.IsArchived).OrderBy(w => w.Slug).ToListAsync(cancellationToken);
            // Every few hours over 30 days, so 24 h, 7 d and 30 d each show a different total.
            for (var hoursAgo = 1; hoursAgo < 30 * 24; hoursAgo += 7)
            {
                var workload = workloads[hoursAgo % workloads.Count];
                var at = now.AddHours(-hoursAgo);
                var cost = 0.05m + hoursAgo % 13 * 0.01m;
                if (workload.Segment == Segment.TimeCritical)
                {
                    Realtime(db, workload, at, cost, fallback: hoursAgo % 5 == 0);
                }
                else
                {
                    Batch(db, workload, at, cost);
                    Realtime(db, workload, at.AddMinutes(5), cost * 2, fallback: false);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        await new HourlyRollupJob(factory, clock, NullLogger<HourlyRollupJob>.Instance).RunAsync(cancellationToken);
    }

    private static void Realtime(ControlPlaneDbContext db, Workload workload, DateTimeOffset at, decimal cost, bool fallback)
    {
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, at);
        request.Route(new RoutingDecision(RequestMode.Realtime, workload.RealtimeModel, "time-critical"), at);
        request.Dispatch(workload.RealtimeModel, at);
        request.Succeed("ok", new TokenUsage(600, 200), new CostBreakdown(cost, cost), at.AddMilliseconds(450));
        db.Requests.Add(request);
        db.TelemetryEvents.Add(Event(request));
        if (fallback && workload.FallbackChain.Count > 0)
        {
            db.FailoverEvents.Add(FailoverEvent.Create(at.AddMilliseconds(200), FailoverKind.Fallback, workload.Id, request.Id, null,
                workload.RealtimeModel, workload.FallbackChain[0], "503 overloaded", cost / 10));
        }
    }

    private static void Batch(ControlPlaneDbContext db, Workload workload, DateTimeOffset at, decimal cost)
    {
        var model = workload.BatchModel ?? workload.RealtimeModel;
        var job = new BatchJob(model, at);
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, at);
        request.Route(new RoutingDecision(RequestMode.Batch, model, "batch-friendly"), at);
        request.Enqueue(at);
        request.AssignToBatch(job.Id, at);
        request.Succeed("ok", new TokenUsage(4000, 800), new CostBreakdown(cost, cost * 2), at.AddMinutes(40));
        db.BatchJobs.Add(job);
        db.Requests.Add(request);
        db.TelemetryEvents.Add(Event(request));
    }

    private static TelemetryEvent Event(InferenceRequest request) =>
        new(request.CompletedAt!.Value, request.Id, request.WorkloadId, request.TeamId, request.Mode, request.Provider, request.Model,
            TelemetryEventType.Succeeded, Cost: request.Cost);
}

/// <summary>Journeys that add history: not in parallel with others (see <see cref="FinishedTraffic"/>).</summary>
[CollectionDefinition(nameof(FinishedTrafficCollection), DisableParallelization = true)]
public sealed class FinishedTrafficCollection;
