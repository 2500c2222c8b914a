using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Rollups;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Rollups;
using ControlPlane.Jobs.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Jobs.Tests.Rollups;

public sealed class HourlyRollupJobTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ModelRef Mini = new("openai", "gpt-4o-mini");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(T0.AddHours(3));
    private readonly Team _team = new("support", "Support", T0);
    private readonly Workload _workload;

    public HourlyRollupJobTests()
    {
        _workload = new Workload(_team.Id, "data-enrichment", "Data enrichment", Segment.Hybrid,
            new ServiceLevel(2_000, 99.9m, null, TimeSpan.FromHours(6)), Mini, Mini, T0);
        using var db = _database.CreateDbContext();
        db.AddRange(_team, _workload);
        db.SaveChanges();
    }

    private HourlyRollupJob Job() => new(_database, _clock, NullLogger<HourlyRollupJob>.Instance);

    [Fact]
    public async Task Rollup_CountsCostsAndSlaPerHourModeAndProvider()
    {
        await AddAsync(Realtime(T0.AddMinutes(1), 800, cost: 0.10m));
        await AddAsync(Realtime(T0.AddMinutes(2), 2_500, cost: 0.10m));        // misses the 2,000 ms target
        await AddAsync(Batch(T0.AddMinutes(3), TimeSpan.FromMinutes(20), cost: 0.05m, counterfactual: 0.10m));
        await AddAsync(FailedRealtime(T0.AddMinutes(4)));
        await AddAsync(Realtime(T0.AddHours(1).AddMinutes(5), 300, cost: 0.20m)); // next hour

        await Job().RunAsync(Ct);

        await using var db = _database.CreateDbContext();
        var rows = await db.HourlyRollups.OrderBy(r => r.HourStart).ThenBy(r => r.Mode).ToListAsync(Ct);
        Assert.Equal(3, rows.Count);
        var realtime = rows.Single(r => r.HourStart == T0 && r.Mode == RequestMode.Realtime);
        Assert.Equal(3, realtime.Requests);
        Assert.Equal(2, realtime.Succeeded);
        Assert.Equal(1, realtime.Failed);
        Assert.Equal(1, realtime.WithinSla);
        Assert.Equal(0.20m, realtime.Cost);
        Assert.Equal(2, realtime.Latency.Total);
        var batch = rows.Single(r => r.HourStart == T0 && r.Mode == RequestMode.Batch);
        Assert.Equal(0.05m, batch.Cost);
        Assert.Equal(0.10m, batch.CounterfactualCost);
        Assert.Equal(1, batch.WithinSla);
        Assert.Equal(1, rows.Single(r => r.HourStart == T0.AddHours(1)).Requests);
    }

    [Fact]
    public async Task Rollup_RunTwice_GivesTheSameRows()
    {
        await AddAsync(Realtime(T0.AddMinutes(1), 800, cost: 0.10m));
        await Job().RunAsync(Ct);
        await Job().RunAsync(Ct);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Job().RunAsync(Ct);

        await using var db = _database.CreateDbContext();
        var row = await db.HourlyRollups.SingleAsync(Ct);
        Assert.Equal(1, row.Requests);
        Assert.Equal(0.10m, row.Cost);
    }

    [Fact]
    public async Task LateEvent_RebuildsTheOldHour()
    {
        var request = Realtime(T0.AddMinutes(1), 800, cost: 0.10m);
        await AddAsync(request);
        await Job().RunAsync(Ct);

        // Hours later the provider still delivers a result for it: duplicate spend, recorded with its event.
        await using (var db = _database.CreateDbContext())
        {
            var stored = await db.Requests.SingleAsync(Ct);
            stored.RecordDuplicateSpend(0.05m);
            db.TelemetryEvents.Add(Event(stored, TelemetryEventType.DuplicateResult, T0.AddHours(2)));
            db.FailoverEvents.Add(FailoverEvent.Create(T0.AddHours(2), FailoverKind.Fallback, _workload.Id, stored.Id, null,
                Mini, new ModelRef("anthropic", "claude-haiku-4-5"), "test", 0.01m));
            await db.SaveChangesAsync(Ct);
        }
        await Job().RunAsync(Ct);

        await using var read = _database.CreateDbContext();
        var row = await read.HourlyRollups.SingleAsync(Ct);
        Assert.Equal(T0, row.HourStart);
        Assert.Equal(0.05m, row.DuplicateCost);
        Assert.Equal(1, row.Failovers);
        Assert.Equal(0.01m, row.FailoverExtraCost);
    }

    private async Task AddAsync(InferenceRequest request)
    {
        await using var db = _database.CreateDbContext();
        db.Requests.Add(request);
        db.TelemetryEvents.Add(Event(request, request.Status == RequestStatus.Succeeded ? TelemetryEventType.Succeeded : TelemetryEventType.Failed, request.CompletedAt!.Value));
        await db.SaveChangesAsync(Ct);
    }

    private TelemetryEvent Event(InferenceRequest request, TelemetryEventType type, DateTimeOffset at) =>
        new(at, request.Id, request.WorkloadId, request.TeamId, request.Mode, request.Provider, request.Model, type);

    private InferenceRequest Realtime(DateTimeOffset received, int latencyMs, decimal cost)
    {
        var request = new InferenceRequest(_workload.Id, _team.Id, "{}", null, null, null, null, received);
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "rt"), received);
        request.Dispatch(Mini, received);
        request.Succeed("ok", new TokenUsage(100, 50), new CostBreakdown(cost, cost), received.AddMilliseconds(latencyMs));
        return request;
    }

    private InferenceRequest FailedRealtime(DateTimeOffset received)
    {
        var request = new InferenceRequest(_workload.Id, _team.Id, "{}", null, null, null, null, received);
        request.Route(new RoutingDecision(RequestMode.Realtime, Mini, "rt"), received);
        request.Dispatch(Mini, received);
        request.Fail(ProviderErrorClass.ServerError, "down", received.AddSeconds(3));
        return request;
    }

    private InferenceRequest Batch(DateTimeOffset received, TimeSpan turnaround, decimal cost, decimal counterfactual)
    {
        var job = new BatchJob(Mini, received);
        using (var db = _database.CreateDbContext())
        {
            db.BatchJobs.Add(job);
            db.SaveChanges();
        }
        var request = new InferenceRequest(_workload.Id, _team.Id, "{}", null, null, null, null, received);
        request.Route(new RoutingDecision(RequestMode.Batch, Mini, "batch"), received);
        request.Enqueue(received);
        request.AssignToBatch(job.Id, received);
        request.Succeed("ok", new TokenUsage(100, 50), new CostBreakdown(cost, counterfactual), received + turnaround);
        return request;
    }

    public void Dispose() => _database.Dispose();
}
