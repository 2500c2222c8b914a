using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Rollups;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Demo;
using ControlPlane.Jobs.Requests;
using ControlPlane.Jobs.Rollups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Tests.Demo;

public sealed class DemoHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStart_SendsDemoTrafficThroughTheRequestPathAndBatchEngine_OverTheSimulatedDays()
    {
        await using var host = await HistoryHost.CreateAsync(days: 2, requestsPerDay: 300);
        var before = DateTimeOffset.UtcNow;

        var result = await host.Services.GetRequiredService<DemoHistory>().RunAsync(Ct);

        Assert.NotNull(result);
        Assert.Equal(HourlyRollup.HourOf(before).AddDays(-2), result.From);
        var requests = await host.QueryAsync(db => db.Requests.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(result.Requests, requests.Count);
        Assert.InRange(requests.Count, 400, 800);
        // Both modes, spread over the simulated days (not bunched at the moment the test ran).
        Assert.Contains(requests, r => r.Mode == RequestMode.Realtime);
        Assert.Contains(requests, r => r.Mode == RequestMode.Batch);
        Assert.All(requests, r => Assert.InRange(r.ReceivedAt, result.From, result.To));
        Assert.True(requests.Min(r => r.ReceivedAt) < result.From.AddHours(3), "The first requests should arrive at the start of the period.");
        Assert.True(requests.Max(r => r.ReceivedAt) > result.To.AddHours(-3), "The last requests should arrive at its end.");
        Assert.True(requests.Select(r => HourlyRollup.HourOf(r.ReceivedAt)).Distinct().Count() >= 40, "Requests should arrive in most hours.");
        Assert.All(requests, r => Assert.Equal("""{"source":"demo-history"}""", r.MetadataJson));

        // Real-time latency is the Simulator's (median 400 ms), recorded on the simulated clock.
        var latencies = requests.Where(r => r is { Mode: RequestMode.Realtime, PromotedAt: null, Status: RequestStatus.Succeeded })
            .Select(r => (r.CompletedAt!.Value - r.ReceivedAt).TotalMilliseconds).Order().ToList();
        Assert.InRange(latencies[latencies.Count / 2], 200, 1_000);

        // Batch requests went through assembly, submission to the Simulator, polling and ingestion at the batch price.
        var jobs = await host.QueryAsync(db => db.BatchJobs.AsNoTracking().ToListAsync(Ct));
        var ingested = jobs.Where(j => j.Status == BatchJobStatus.Ingested).ToList();
        Assert.NotEmpty(ingested);
        Assert.All(ingested, j => Assert.StartsWith("simbatch_", j.ProviderBatchId));
        Assert.All(ingested, j => Assert.InRange(j.CreatedAt, result.From, result.To));
        var dataPaths = host.Services.GetRequiredService<DataPaths>();
        Assert.All(ingested, j => Assert.True(File.Exists(Path.Combine(dataPaths.Root, "simulator", j.ProviderBatchId!, "meta.json"))));
        var batchServed = requests.Where(r => r.Mode == RequestMode.Batch && r.Status == RequestStatus.Succeeded).ToList();
        Assert.NotEmpty(batchServed);
        Assert.All(batchServed, r => Assert.Contains(r.BatchJobId!.Value, ingested.Select(j => j.Id)));
        // Costs are stored to 8 decimals: half the real-time counterfactual, give or take the last digit.
        Assert.All(batchServed, r => Assert.True(r.Cost > 0 && Math.Abs(r.Cost - r.CounterfactualCost / 2) <= 0.00000001m,
            $"batch price: {r.Cost} vs {r.CounterfactualCost}"));
        // Hours, not seconds: assembled after waiting for company, an hour at the Simulator, then polled and ingested
        // (a failed item's second batch included).
        Assert.All(batchServed, r => Assert.InRange(r.CompletedAt!.Value - r.ReceivedAt, TimeSpan.FromHours(1), TimeSpan.FromHours(12)));

        // Every finished request is in the roll-ups, which the roll-up job wrote up to the last telemetry event.
        var finished = requests.Where(r => r.CompletedAt is not null).ToList();
        var rollups = await host.QueryAsync(db => db.HourlyRollups.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(finished.Count, rollups.Sum(r => r.Requests));
        Assert.Equal(finished.Select(r => HourlyRollup.HourOf(r.CompletedAt!.Value)).Distinct().Order(), rollups.Select(r => r.HourStart).Distinct().Order());
        Assert.Equal(finished.Sum(r => r.Cost), rollups.Sum(r => r.Cost), 6);
        var state = await host.QueryAsync(db => db.RollupStates.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(await host.QueryAsync(db => db.TelemetryEvents.MaxAsync(e => e.Id, Ct)), state.LastTelemetryId);
        Assert.InRange(state.LastRunAt!.Value, result.To.AddMilliseconds(-1), result.To.AddMinutes(1));

        var markers = await host.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Actor == DemoHistory.Actor).Select(a => a.Action).ToListAsync(Ct));
        Assert.Equal([DemoHistory.CompletedAction, DemoHistory.StartedAction], markers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SecondRun_AddsNothing_AndLiveTrafficCarriesOnWithTheRealClock()
    {
        await using var host = await HistoryHost.CreateAsync(days: 1, requestsPerDay: 200);
        var history = host.Services.GetRequiredService<DemoHistory>();
        var first = await history.RunAsync(Ct);
        Assert.NotNull(first);
        var counts = await CountsAsync(host);

        Assert.Null(await history.RunAsync(Ct));
        Assert.Equal(counts, await CountsAsync(host));

        // The app starts as usual afterwards: the same request service, with the real clock and the app's writers.
        await host.Host.StartAsync(Ct);
        try
        {
            var workload = await host.QueryAsync(db => db.Workloads.AsNoTracking().SingleAsync(w => w.Slug == "customer-chatbot", Ct));
            var sent = DateTimeOffset.UtcNow;
            var outcome = await host.Services.GetRequiredService<RequestService>().SubmitAsync(new SubmitCommand(workload,
                [new ChatMessage(ChatRole.User, "Where is my order?")], """{"messages":[{"role":"user","content":"Where is my order?"}]}""",
                64, null, null, "live", null), Ct);

            var live = Assert.IsType<SubmitResult.Completed>(outcome).Request;
            Assert.InRange(live.ReceivedAt, sent, DateTimeOffset.UtcNow);
            Assert.True(live.ReceivedAt > first.To);
            await WaitForTelemetryAsync(host, live.Id);
            await ActivatorUtilities.CreateInstance<HourlyRollupJob>(host.Services).RunAsync(Ct);
            var hour = HourlyRollup.HourOf(live.CompletedAt!.Value);
            var rolledUp = await host.QueryAsync(db => db.HourlyRollups.AsNoTracking().Where(r => r.HourStart == hour).SumAsync(r => r.Requests, Ct));
            var inThatHour = await host.QueryAsync(db => db.Requests.CountAsync(r => r.CompletedAt >= hour && r.CompletedAt < hour.AddHours(1), Ct));
            Assert.Equal(inThatHour, rolledUp);
            Assert.True(rolledUp > 0);
        }
        finally
        {
            await host.Host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task InterruptedRun_IsNotRepeated_SoNothingIsDuplicated()
    {
        await using var host = await HistoryHost.CreateAsync(days: 3, requestsPerDay: 100);
        var history = host.Services.GetRequiredService<DemoHistory>();
        using var stop = new CancellationTokenSource();
        // Stopped as the process would be, after the first simulated day has been written.
        host.Logs.OnLine = line =>
        {
            if (line.StartsWith("Demo history: 1 of 3 days", StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => history.RunAsync(stop.Token));
        host.Logs.OnLine = null;
        var partial = await CountsAsync(host);
        Assert.True(partial.Requests > 0, "The interrupted run should have written its first day.");

        Assert.Null(await history.RunAsync(Ct));
        Assert.Equal(partial, await CountsAsync(host));
        Assert.Contains(host.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("interrupted", StringComparison.Ordinal));
        var markers = await host.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Actor == DemoHistory.Actor).Select(a => a.Action).ToListAsync(Ct));
        Assert.Equal([DemoHistory.StartedAction], markers);
    }

    [Fact]
    public async Task DatabaseWithTraffic_GetsNoHistory()
    {
        await using var host = await HistoryHost.CreateAsync(days: 1, requestsPerDay: 100);
        var workload = await host.QueryAsync(db => db.Workloads.AsNoTracking().FirstAsync(Ct));
        await host.QueryAsync(async db =>
        {
            db.Requests.Add(new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, DateTimeOffset.UtcNow.AddDays(-3)));
            return await db.SaveChangesAsync(Ct);
        });

        Assert.Null(await host.Services.GetRequiredService<DemoHistory>().RunAsync(Ct));
        Assert.Equal(1, await host.QueryAsync(db => db.Requests.CountAsync(Ct)));
    }

    [Fact]
    public async Task WithARealProviderConfigured_GeneratesNothing()
    {
        await using var host = await HistoryHost.CreateAsync(days: 1, requestsPerDay: 100,
            new Dictionary<string, string?> { ["ControlPlane:Providers:OpenAI:ApiKey"] = "sk-test-not-used" });

        Assert.Null(await host.Services.GetRequiredService<DemoHistory>().RunAsync(Ct));
        Assert.Equal(0, await host.QueryAsync(db => db.Requests.CountAsync(Ct)));
    }

    [Fact]
    public async Task DaysZero_TurnsItOff()
    {
        await using var host = await HistoryHost.CreateAsync(days: 0, requestsPerDay: 100);

        Assert.Null(await host.Services.GetRequiredService<DemoHistory>().RunAsync(Ct));
        Assert.Equal(0, await host.QueryAsync(db => db.Requests.CountAsync(Ct)));
        Assert.Equal(0, await host.QueryAsync(db => db.AuditEntries.CountAsync(Ct)));
    }

    private sealed record Counts(int Requests, int Telemetry, int BatchJobs, int Failovers, int Rollups);

    private static Task<Counts> CountsAsync(HistoryHost host) => host.QueryAsync(async db => new Counts(
        await db.Requests.CountAsync(Ct), await db.TelemetryEvents.CountAsync(Ct), await db.BatchJobs.CountAsync(Ct),
        await db.FailoverEvents.CountAsync(Ct), await db.HourlyRollups.CountAsync(Ct)));

    private static async Task WaitForTelemetryAsync(HistoryHost host, Guid requestId)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await host.QueryAsync(db => db.TelemetryEvents.AnyAsync(e => e.RequestId == requestId && e.EventType == TelemetryEventType.Succeeded, Ct)))
            {
                return;
            }
            await Task.Delay(50, Ct);
        }
        Assert.Fail("The live request's telemetry was never written.");
    }
}
