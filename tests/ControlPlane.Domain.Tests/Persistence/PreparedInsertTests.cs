using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Domain.Tests.Persistence;

/// <summary>The hot writers' prepared INSERTs store exactly what SaveChanges would, and read back through EF unchanged.</summary>
public sealed class PreparedInsertTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFinishedRequestAndItsTimeline_ReadBackThroughEfAsWritten()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var (team, workload) = await SeedWorkloadAsync(database);
        var model = ModelRef.Parse("openai/gpt-4o-mini");
        var request = new InferenceRequest(workload.Id, team.Id, """{"prompt":"hi"}""", 64, T0.AddHours(1), null, null, T0) { MetadataJson = """{"k":"v"}""" };
        request.Route(new RoutingDecision(RequestMode.Realtime, model, "time-critical"), T0);
        request.Dispatch(model, T0);
        request.Succeed("hello", new TokenUsage(12, 34), new CostBreakdown(0.000123m, 0.000123m), T0.AddMilliseconds(850));
        var events = new[]
        {
            new TelemetryEvent(T0, request.Id, workload.Id, team.Id, null, null, null, TelemetryEventType.Received),
            new TelemetryEvent(T0.AddMilliseconds(850), request.Id, workload.Id, team.Id, RequestMode.Realtime, "openai", "gpt-4o-mini",
                TelemetryEventType.Succeeded, LatencyMs: 850, InputTokens: 12, OutputTokens: 34, Cost: 0.000123m, Attempt: 1),
        };

        await using (var db = database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var requests = new PreparedInsert<InferenceRequest>(db.Model);
            var telemetry = new PreparedInsert<TelemetryEvent>(db.Model);
            await using var insertRequest = requests.Prepare(db.Database.GetDbConnection(), transaction.GetDbTransaction());
            await using var insertEvent = telemetry.Prepare(db.Database.GetDbConnection(), transaction.GetDbTransaction());
            requests.Insert(insertRequest, request);
            foreach (var e in events)
            {
                telemetry.Insert(insertEvent, e);
            }
            await transaction.CommitAsync(Ct);
        }

        await using var read = database.CreateDbContext();
        var stored = await read.Requests.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(RequestStatus.Succeeded, stored.Status);
        Assert.Equal(RequestMode.Realtime, stored.Mode);
        Assert.Equal("hello", stored.Output);
        Assert.Equal(34, stored.OutputTokens);
        Assert.Equal(0.000123m, stored.Cost);
        Assert.Equal(T0.AddMilliseconds(850), stored.CompletedAt);
        Assert.Equal(T0.AddHours(1), stored.Deadline);
        Assert.Equal("time-critical", stored.RoutingReason);
        Assert.Equal("""{"k":"v"}""", stored.MetadataJson);
        Assert.Null(stored.IdempotencyKey);
        Assert.Equal(0L, read.Entry(stored).Property<long>(ControlPlaneDbContext.VersionPropertyName).CurrentValue);

        var timeline = await read.TelemetryEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal([TelemetryEventType.Received, TelemetryEventType.Succeeded], timeline.Select(e => e.EventType));
        Assert.All(timeline, e => Assert.True(e.Id > 0, "the store assigns telemetry ids"));
        Assert.Null(timeline[0].Mode);
        Assert.Equal(events[1] with { Id = timeline[1].Id }, timeline[1]);
    }

    [Fact]
    public async Task AStoredRequest_CanStillBeUpdatedUnderItsConcurrencyToken()
    {
        await using var database = await SqliteDatabase.CreateAsync();
        var (team, workload) = await SeedWorkloadAsync(database);
        var request = new InferenceRequest(workload.Id, team.Id, "{}", null, null, null, null, T0);
        await using (var db = database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var requests = new PreparedInsert<InferenceRequest>(db.Model);
            await using var insert = requests.Prepare(db.Database.GetDbConnection(), transaction.GetDbTransaction());
            requests.Insert(insert, request);
            await transaction.CommitAsync(Ct);
        }

        await using var write = database.CreateDbContext();
        var tracked = await write.Requests.SingleAsync(Ct);
        tracked.Route(new RoutingDecision(RequestMode.Batch, ModelRef.Parse("openai/gpt-4o-mini"), "batch-friendly"), T0);
        await write.SaveChangesAsync(Ct);
        Assert.Equal(1L, write.Entry(tracked).Property<long>(ControlPlaneDbContext.VersionPropertyName).CurrentValue);
    }

    [Fact]
    public async Task Checkpointer_CopiesTheWholeLogIntoTheDatabaseFile()
    {
        var folder = Directory.CreateTempSubdirectory("cp-wal-");
        try
        {
            var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder.FullName, "wal.db") }.ToString();
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync(Ct);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (x TEXT); " +
                                      string.Concat(Enumerable.Repeat("INSERT INTO t VALUES (randomblob(2000));", 200));
                await command.ExecuteNonQueryAsync(Ct);
            }

            using var checkpointer = new WalCheckpointer(connectionString, NullLogger<WalCheckpointer>.Instance);
            var (logPages, checkpointed) = checkpointer.CheckpointOnce();

            Assert.True(logPages > 100, $"the log held {logPages} pages");
            Assert.Equal(logPages, checkpointed);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(Team, Workload)> SeedWorkloadAsync(SqliteDatabase database)
    {
        var team = new Team("support", "Support", T0);
        var workload = new Workload(team.Id, "customer-chatbot", "Chatbot", Segment.TimeCritical,
            ServiceLevel.Realtime(2000, 99.9m), ModelRef.Parse("openai/gpt-4o-mini"), null, T0);
        await using var db = database.CreateDbContext();
        db.AddRange(team, workload);
        await db.SaveChangesAsync(Ct);
        return (team, workload);
    }
}
