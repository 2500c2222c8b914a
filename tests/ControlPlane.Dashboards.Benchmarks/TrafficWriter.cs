using System.Linq.Expressions;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Workloads;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ControlPlane.Dashboards.Benchmarks;

public sealed record SeededTraffic(long Requests, long Telemetry, long Failovers);

/// <summary>
/// Writes finished requests (one terminal telemetry event each, and failover events for some) with prepared
/// INSERTs in large transactions: EF's change tracker would take minutes for a million rows. Values are stored
/// the way the DbContext's conventions store them (see ControlPlaneDbContext.ConfigureConventions): times via
/// DateTimeOffsetToBinaryConverter as INTEGER, decimals as REAL, enums as their names, GUIDs as upper-case text.
/// </summary>
public static class TrafficWriter
{
    private const int RowsPerTransaction = 50_000;

    private static readonly Func<DateTimeOffset, long> ToBinary =
        ((Expression<Func<DateTimeOffset, long>>)new DateTimeOffsetToBinaryConverter().ConvertToProviderExpression).Compile();

    /// <summary>The realistic mix: share of traffic, and share of that workload's traffic that goes to batch.</summary>
    private static readonly Dictionary<string, (double Share, double BatchShare, int Input, int Output)> Mix = new()
    {
        ["customer-chatbot"] = (0.30, 0.0, 600, 250),
        ["document-processing"] = (0.15, 1.0, 4_000, 800),
        ["predictive-analytics"] = (0.05, 0.0, 1_500, 300),
        ["content-moderation"] = (0.35, 0.0, 300, 20),
        ["data-enrichment"] = (0.15, 0.7, 800, 200),
    };

    public static async Task<SeededTraffic> WriteAsync(BenchmarkDatabase database, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<Workload> workloads;
        PriceCatalog prices;
        await using (var db = await database.Factory.CreateDbContextAsync(cancellationToken))
        {
            workloads = await db.Workloads.AsNoTracking().ToListAsync(cancellationToken);
            prices = new PriceCatalog(await db.Prices.AsNoTracking().ToListAsync(cancellationToken));
        }
        var plans = workloads.Where(w => Mix.ContainsKey(w.Slug)).Select(w => new WorkloadPlan(w, Mix[w.Slug], prices, DateOnly.FromDateTime(now.UtcDateTime))).ToList();
        var cumulative = plans.Select((p, i) => plans.Take(i + 1).Sum(x => x.Mix.Share)).ToArray();

        var random = new Random(20261204);
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // Setting up is not what is measured: skip the fsyncs while writing the history (the roll-up and the
        // dashboards later run on their own connections with the app's default durability).
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        using var inserts = new Inserts(connection);
        long telemetry = 0, failovers = 0;
        var start = now.AddDays(-30);

        for (var written = 0; written < count;)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            inserts.Enlist(transaction);
            var end = Math.Min(count, written + RowsPerTransaction);
            for (; written < end; written++)
            {
                var roll = random.NextDouble() * cumulative[^1];
                var plan = plans[Array.FindIndex(cumulative, c => roll <= c)];
                // Requests arrive in time order, as the API writes them (so each hour's rows sit together in the file).
                var receivedAt = start.AddSeconds((written + random.NextDouble()) / count * (now - start).TotalSeconds * 0.999);
                var request = plan.Next(random, receivedAt, now);
                inserts.Request(request);
                inserts.Telemetry(request);
                telemetry++;
                if (request.Failover is { } failover)
                {
                    inserts.Failover(request, failover);
                    failovers++;
                }
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return new SeededTraffic(count, telemetry, failovers);
    }

    private sealed record Failover(FailoverKind Kind, ModelRef From, ModelRef To, string Reason, decimal ExtraCost);

    private sealed record FinishedRequest(
        Guid Id, Workload Workload, RequestMode Mode, ModelRef Model, RequestStatus Status, DateTimeOffset ReceivedAt,
        DateTimeOffset CompletedAt, DateTimeOffset? Deadline, DateTimeOffset? PromotedAt, int InputTokens, int OutputTokens,
        decimal Cost, decimal Counterfactual, Failover? Failover);

    /// <summary>How one workload's requests look: its models, token sizes, outcomes and latencies.</summary>
    private sealed class WorkloadPlan(Workload workload, (double Share, double BatchShare, int Input, int Output) mix, PriceCatalog prices, DateOnly on)
    {
        private static readonly string[] FallbackReasons = ["429 rate limited (retry after 2 s)", "503 overloaded", "timeout after 30 s", "500 server error"];

        public (double Share, double BatchShare, int Input, int Output) Mix { get; } = mix;

        public FinishedRequest Next(Random random, DateTimeOffset receivedAt, DateTimeOffset now)
        {
            var batch = random.NextDouble() < Mix.BatchShare;
            var mode = batch ? RequestMode.Batch : RequestMode.Realtime;
            var model = batch ? workload.BatchModel ?? workload.RealtimeModel : workload.RealtimeModel;
            var input = (int)(Mix.Input * (0.5 + random.NextDouble()));
            var output = (int)(Mix.Output * (0.5 + random.NextDouble()));
            var outcome = random.NextDouble();
            var status = outcome < 0.975 ? RequestStatus.Succeeded : batch && outcome < 0.985 ? RequestStatus.Expired
                : outcome < 0.997 ? RequestStatus.Failed : RequestStatus.Cancelled;

            // Log-normal real-time latency around 400 ms; batch turnaround from minutes to most of a day.
            var latencyMs = batch ? random.Next(10 * 60_000, 20 * 3_600_000) : Math.Exp(Math.Log(400) + 0.6 * Gaussian(random));
            var completedAt = receivedAt.AddMilliseconds(latencyMs);
            if (completedAt > now)
            {
                completedAt = now.AddSeconds(-1);
            }
            DateTimeOffset? deadline = batch ? receivedAt.AddHours(workload.Slug == "data-enrichment" ? 6 : 24) : null;
            DateTimeOffset? promotedAt = batch && random.NextDouble() < 0.03 ? receivedAt.AddMinutes(latencyMs / 60_000 / 2) : null;

            var price = prices.Find(model, on);
            var cost = price is null || status != RequestStatus.Succeeded ? CostBreakdown.Zero : CostCalculator.Cost(price, mode, input, output);
            Failover? failover = null;
            if (!batch && workload.FallbackChain.Count > 0 && random.NextDouble() < 0.01)
            {
                failover = new Failover(FailoverKind.Fallback, workload.RealtimeModel, workload.FallbackChain[0],
                    FallbackReasons[random.Next(FallbackReasons.Length)], Math.Round(cost.Actual * 0.2m, 8));
            }
            else if (promotedAt is not null)
            {
                failover = new Failover(FailoverKind.Promotion, model, workload.RealtimeModel, "deadline at risk", cost.RealtimeCounterfactual - cost.Actual);
            }
            return new FinishedRequest(Guid.CreateVersion7(receivedAt), workload, mode, model, status, receivedAt, completedAt, deadline, promotedAt,
                status == RequestStatus.Succeeded ? input : 0, status == RequestStatus.Succeeded ? output : 0, cost.Actual, cost.RealtimeCounterfactual, failover);
        }

        private static double Gaussian(Random random) =>
            Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }

    /// <summary>The three prepared INSERTs, re-bound per row.</summary>
    private sealed class Inserts : IDisposable
    {
        private readonly SqliteCommand _request;
        private readonly SqliteCommand _telemetry;
        private readonly SqliteCommand _failover;

        public Inserts(SqliteConnection connection)
        {
            _request = Prepare(connection, "Requests",
                "Id", "WorkloadId", "TeamId", "Status", "Mode", "RoutingReason", "Provider", "Model", "InputJson", "Deadline",
                "InputTokens", "OutputTokens", "Cost", "CounterfactualCost", "DuplicateCost", "Attempts", "ErrorClass", "Error",
                "ReceivedAt", "StatusChangedAt", "CompletedAt", "PromotedAt", "Version");
            _telemetry = Prepare(connection, "TelemetryEvents",
                "Time", "RequestId", "WorkloadId", "TeamId", "Mode", "Provider", "Model", "EventType", "LatencyMs",
                "InputTokens", "OutputTokens", "Cost", "ErrorClass", "Attempt");
            _failover = Prepare(connection, "FailoverEvents",
                "Id", "Time", "Kind", "WorkloadId", "RequestId", "FromProvider", "FromModel", "ToProvider", "ToModel", "Reason", "ExtraCost");
        }

        public void Enlist(SqliteTransaction transaction) => _request.Transaction = _telemetry.Transaction = _failover.Transaction = transaction;

        public void Request(FinishedRequest r)
        {
            var failed = r.Status is RequestStatus.Failed;
            Run(_request, Text(r.Id), Text(r.Workload.Id), Text(r.Workload.TeamId), r.Status.ToString(), r.Mode.ToString(),
                r.Mode == RequestMode.Batch ? "batch-friendly" : "time-critical", r.Model.Provider, r.Model.Model, "{\"prompt\":\"benchmark\"}",
                r.Deadline is { } d ? ToBinary(d) : null, r.InputTokens, r.OutputTokens, (double)r.Cost, (double)r.Counterfactual, 0d,
                failed ? 3 : 1, failed ? nameof(ProviderErrorClass.ServerError) : null, failed ? "500 server error" : null,
                ToBinary(r.ReceivedAt), ToBinary(r.CompletedAt), ToBinary(r.CompletedAt), r.PromotedAt is { } p ? ToBinary(p) : null, 0L);
        }

        public void Telemetry(FinishedRequest r)
        {
            var type = r.Status switch
            {
                RequestStatus.Succeeded => TelemetryEventType.Succeeded,
                RequestStatus.Expired => TelemetryEventType.Expired,
                RequestStatus.Cancelled => TelemetryEventType.Cancelled,
                _ => TelemetryEventType.Failed,
            };
            Run(_telemetry, ToBinary(r.CompletedAt), Text(r.Id), Text(r.Workload.Id), Text(r.Workload.TeamId), r.Mode.ToString(),
                r.Model.Provider, r.Model.Model, type.ToString(), (r.CompletedAt - r.ReceivedAt).TotalMilliseconds,
                r.InputTokens, r.OutputTokens, (double)r.Cost, r.Status == RequestStatus.Failed ? nameof(ProviderErrorClass.ServerError) : null, 1);
        }

        public void Failover(FinishedRequest r, Failover f) =>
            Run(_failover, Text(Guid.CreateVersion7(r.CompletedAt)), ToBinary(r.PromotedAt ?? r.ReceivedAt.AddMilliseconds(200)), f.Kind.ToString(),
                Text(r.Workload.Id), Text(r.Id), f.From.Provider, f.From.Model, f.To.Provider, f.To.Model, f.Reason, (double)f.ExtraCost);

        public void Dispose()
        {
            _request.Dispose();
            _telemetry.Dispose();
            _failover.Dispose();
        }

        // EF Core's SQLite provider stores GUIDs as upper-case text.
        private static string Text(Guid id) => id.ToString().ToUpperInvariant();

        private static SqliteCommand Prepare(SqliteConnection connection, string table, params string[] columns)
        {
            var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                                  $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
            for (var i = 0; i < columns.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter($"$p{i}", null));
            }
            return command;
        }

        private static void Run(SqliteCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            command.ExecuteNonQuery();
        }
    }
}
