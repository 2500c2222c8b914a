using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Domain.Tests.Persistence;

public sealed class PersistenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrations_CreateEveryTable()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        await using var db = database.CreateDbContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(0, await db.Requests.CountAsync(Ct));
        Assert.Equal(0, await db.BatchJobs.CountAsync(Ct));
        Assert.Equal(0, await db.AuditEntries.CountAsync(Ct));
    }

    [Fact]
    public async Task Workload_RoundTripsItsSlaPolicyAndFallbackChain()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var team = new Team("data-platform", "Data Platform", T0);
        var workload = new Workload(team.Id, "data-enrichment", "Data enrichment", Segment.Hybrid,
            new ServiceLevel(4_000, 99.5m, null, TimeSpan.FromHours(6)), ModelRef.Parse("openai/gpt-4o-mini"),
            ModelRef.Parse("openai/gpt-4o-mini"), T0)
        {
            Promotion = new PromotionPolicy(true, TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), BatchFailurePolicy.Promote),
            Volume = new VolumeEstimate(30_000, 800, 200),
            MonthlyBudget = 800m,
        };
        workload.SetFallbackChain([ModelRef.Parse("gemini/gemini-2.5-flash-lite"), ModelRef.Parse("anthropic/claude-haiku-4-5")]);
        await using (var db = database.CreateDbContext())
        {
            db.AddRange(team, workload);
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.CreateDbContext();
        var loaded = await read.Workloads.SingleAsync(w => w.Slug == "data-enrichment", Ct);
        Assert.Equal(TimeSpan.FromHours(6), loaded.Sla.DefaultDeadline);
        Assert.Equal(99.5m, loaded.Sla.AvailabilityTargetPercent);
        Assert.Equal(BatchFailurePolicy.Promote, loaded.Promotion.OnBatchFailure);
        Assert.Equal(["gemini/gemini-2.5-flash-lite", "anthropic/claude-haiku-4-5"], loaded.FallbackChain.Select(m => m.ToString()));
        Assert.Equal(800m, loaded.MonthlyBudget);
    }

    [Fact]
    public async Task ConcurrentEdits_OfOneRequest_TheSecondIsRejected()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var request = await SeedRequestAsync(database, "idem-1");

        await using var first = database.CreateDbContext();
        await using var second = database.CreateDbContext();
        var a = await first.Requests.SingleAsync(r => r.Id == request.Id, Ct);
        var b = await second.Requests.SingleAsync(r => r.Id == request.Id, Ct);
        a.Route(new RoutingDecision(RequestMode.Realtime, ModelRef.Parse("openai/gpt-4o-mini"), "first"), T0);
        b.Route(new RoutingDecision(RequestMode.Batch, ModelRef.Parse("openai/gpt-4o-mini"), "second"), T0);
        await first.SaveChangesAsync(Ct);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Ct));
        await using var read = database.CreateDbContext();
        Assert.Equal("first", (await read.Requests.SingleAsync(Ct)).RoutingReason);
    }

    [Fact]
    public async Task SameIdempotencyKey_InOneTeam_CannotBeStoredTwice()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var request = await SeedRequestAsync(database, "idem-1");

        await using var db = database.CreateDbContext();
        db.Requests.Add(new InferenceRequest(request.WorkloadId, request.TeamId, "{}", null, null, "idem-1", "other", T0));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task Times_AreComparedAndOrderedInTheDatabase()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var request = await SeedRequestAsync(database, null);
        await using (var db = database.CreateDbContext())
        {
            for (var i = 0; i < 3; i++)
            {
                db.TelemetryEvents.Add(new TelemetryEvent(T0.AddMinutes(10 - i), request.Id, request.WorkloadId, request.TeamId,
                    RequestMode.Realtime, "openai", "gpt-4o-mini", TelemetryEventType.Dispatched, Cost: 0.25m));
            }
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.CreateDbContext();
        var recent = await read.TelemetryEvents.Where(e => e.Time > T0.AddMinutes(8)).OrderBy(e => e.Time).ToListAsync(Ct);
        Assert.Equal([T0.AddMinutes(9), T0.AddMinutes(10)], recent.Select(e => e.Time));
        Assert.Equal(0.75m, (decimal)await read.TelemetryEvents.SumAsync(e => (double)e.Cost, Ct));
    }

    [Fact]
    public async Task DemoSeeder_RunTwice_AddsEverythingOnce()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var seeder = new DemoSeeder(database, new FakeTimeProvider(T0), NullLogger<DemoSeeder>.Instance);

        await seeder.SeedAsync(Ct);
        await seeder.SeedAsync(Ct);

        await using var db = database.CreateDbContext();
        Assert.Equal(
            ["content-moderation", "customer-chatbot", "data-enrichment", "document-processing", "predictive-analytics"],
            await db.Workloads.OrderBy(w => w.Slug).Select(w => w.Slug).ToListAsync(Ct));
        Assert.Equal(5, await db.Teams.CountAsync(Ct));
        Assert.Equal(Domain.Demo.DemoCatalog.Prices().Count(), await db.Prices.CountAsync(Ct));
        Assert.Equal(1, await db.TcoSettings.CountAsync(Ct));
        Assert.Equal(0, await db.Requests.CountAsync(Ct));
    }

    [Fact]
    public async Task DemoSeeder_KeepsEditsMadeAfterTheFirstStart()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var seeder = new DemoSeeder(database, new FakeTimeProvider(T0), NullLogger<DemoSeeder>.Instance);
        await seeder.SeedAsync(Ct);
        await using (var db = database.CreateDbContext())
        {
            var chatbot = await db.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Ct);
            chatbot.MonthlyBudget = 9_999m;
            await db.SaveChangesAsync(Ct);
        }

        await seeder.SeedAsync(Ct);

        await using var read = database.CreateDbContext();
        Assert.Equal(9_999m, (await read.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Ct)).MonthlyBudget);
    }

    private static async Task<InferenceRequest> SeedRequestAsync(SqliteDatabase database, string? idempotencyKey)
    {
        var team = new Team("support", "Support", T0);
        var workload = new Workload(team.Id, "customer-chatbot", "Chatbot", Segment.TimeCritical,
            ServiceLevel.Realtime(2000, 99.9m), ModelRef.Parse("openai/gpt-4o-mini"), null, T0);
        var request = new InferenceRequest(workload.Id, team.Id, "{}", null, null, idempotencyKey, "hash", T0);
        await using var db = database.CreateDbContext();
        db.AddRange(team, workload, request);
        await db.SaveChangesAsync(Ct);
        return request;
    }
}
