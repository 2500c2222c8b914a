using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Web.Tests.Dashboards;

/// <summary>Finished requests written through the domain's own lifecycle, then rolled up by the real job.</summary>
public static class FinishedTraffic
{
    public static async Task AddRealtimeAsync(IDbContextFactory<ControlPlaneDbContext> factory, string workloadSlug, DateTimeOffset at,
        decimal cost, int latencyMs = 500, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workload = await db.Workloads.SingleAsync(w => w.Slug == workloadSlug, cancellationToken);
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, at);
        request.Route(new RoutingDecision(RequestMode.Realtime, workload.RealtimeModel, "time-critical"), at);
        request.Dispatch(workload.RealtimeModel, at);
        request.Succeed("ok", new TokenUsage(100, 50), new CostBreakdown(cost, cost), at.AddMilliseconds(latencyMs));
        db.Requests.Add(request);
        db.TelemetryEvents.Add(Event(request));
        await db.SaveChangesAsync(cancellationToken);
    }

    public static async Task AddBatchAsync(IDbContextFactory<ControlPlaneDbContext> factory, string workloadSlug, DateTimeOffset at,
        decimal cost, decimal counterfactual, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workload = await db.Workloads.SingleAsync(w => w.Slug == workloadSlug, cancellationToken);
        var model = workload.BatchModel ?? workload.RealtimeModel;
        var job = new BatchJob(model, at);
        var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, at);
        request.Route(new RoutingDecision(RequestMode.Batch, model, "batch-friendly"), at);
        request.Enqueue(at);
        request.AssignToBatch(job.Id, at);
        request.Succeed("ok", new TokenUsage(1000, 200), new CostBreakdown(cost, counterfactual), at.AddMinutes(30));
        db.BatchJobs.Add(job);
        db.Requests.Add(request);
        db.TelemetryEvents.Add(Event(request));
        await db.SaveChangesAsync(cancellationToken);
    }

    public static Task RollUpAsync(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock, CancellationToken cancellationToken) =>
        new HourlyRollupJob(factory, clock, NullLogger<HourlyRollupJob>.Instance).RunAsync(cancellationToken);

    private static TelemetryEvent Event(InferenceRequest request) =>
        new(request.CompletedAt!.Value, request.Id, request.WorkloadId, request.TeamId, request.Mode, request.Provider, request.Model,
            TelemetryEventType.Succeeded, Cost: request.Cost);
}
