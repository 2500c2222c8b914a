using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Tests.Batches;

public sealed class BatchIngestJobTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // 100 input and 50 output tokens at $1 / $2 per 1M: $0.0002 in real time, $0.0001 at the 50 % batch price.
    private const decimal BatchPrice = 0.0001m;
    private const decimal RealtimePrice = 0.0002m;

    /// <summary>
    /// Ten requests: 0–4 succeed (0 twice), 5 is rejected, 6 fails with a server error, 7 expires, 8 comes back as a
    /// success without usage, 9 gets nothing; plus a line with an unreadable id and one for a request we never sent.
    /// </summary>
    private static void MixedResults(ScriptedBatchProvider.Batch batch, List<Guid> ids)
    {
        for (var i = 0; i < 5; i++)
        {
            batch.Results.Add(ScriptedBatchProvider.Success(ids[i]));
        }
        batch.Results.Add(ScriptedBatchProvider.Success(ids[0]));
        batch.Results.Add(ScriptedBatchProvider.Error(ids[5], ProviderErrorClass.InvalidRequest));
        batch.Results.Add(ScriptedBatchProvider.Error(ids[6], ProviderErrorClass.ServerError));
        batch.Results.Add(ScriptedBatchProvider.ExpiredItem(ids[7]));
        batch.Results.Add(new BatchResultItem(ids[8].ToString(), BatchItemOutcome.Succeeded, "no usage", null, null, null));
        batch.Results.Add(new BatchResultItem("not-a-request-id", BatchItemOutcome.Succeeded, "x", new TokenUsage(1, 1), null, null));
        batch.Results.Add(ScriptedBatchProvider.Success(Guid.CreateVersion7()));
    }

    private static async Task<(BatchHarness Harness, Guid JobId, List<Guid> Ids)> CompletedMixedJobAsync(int pageSize = 1000)
    {
        var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider());
        h.Options.PageSize = pageSize;
        var ids = await h.QueueAsync(10);
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));
        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);
        await h.FinishAsync(jobId, ProviderBatchState.Completed, b => MixedResults(b, ids));
        return (h, jobId, ids);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1)] // the repeated line of request 0 lands in a later page, which may be read before the first is written
    public async Task Ingest_PartialMalformedExpiredAndDuplicateLines_SettlesEveryRequestWithExactCounts(int pageSize)
    {
        var (h, jobId, ids) = await CompletedMixedJobAsync(pageSize);
        await using var _ = h;

        var summary = await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        Assert.Equal(12, summary.Results);
        Assert.Equal(5, summary.Succeeded);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(4, summary.Rebatched);
        Assert.Equal(3, summary.Malformed);
        Assert.Equal(2, summary.Missing);
        Assert.Equal(1, summary.AlreadyApplied);
        Assert.Equal(0, summary.Duplicates);
        Assert.Equal(5 * BatchPrice, summary.Cost);

        var requests = (await h.RequestsAsync()).ToDictionary(r => r.Id);
        for (var i = 0; i < 5; i++)
        {
            var r = requests[ids[i]];
            Assert.Equal(RequestStatus.Succeeded, r.Status);
            Assert.Equal(BatchPrice, r.Cost);
            Assert.Equal(RealtimePrice, r.CounterfactualCost);
            Assert.Equal(0m, r.DuplicateCost);
            Assert.Equal($"batch answer to {ids[i]}", r.Output);
        }
        Assert.Equal(RequestStatus.Failed, requests[ids[5]].Status);
        Assert.Equal(ProviderErrorClass.InvalidRequest, requests[ids[5]].ErrorClass);
        Assert.All(ids.Skip(6), id => Assert.Equal(RequestStatus.Queued, requests[id].Status));
        Assert.All(ids.Skip(6), id => Assert.Null(requests[id].BatchJobId));

        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.Ingested, job.Status);
        Assert.Null(job.NextPollAt);

        await using var db = h.Db();
        var events = await db.TelemetryEvents.AsNoTracking().Where(e => e.BatchJobId == jobId).ToListAsync(Token);
        Assert.Equal(5, events.Count(e => e.EventType == TelemetryEventType.Succeeded));
        Assert.Equal(5 * BatchPrice, events.Where(e => e.EventType == TelemetryEventType.Succeeded).Sum(e => e.Cost));
        Assert.Equal(1, events.Count(e => e.EventType == TelemetryEventType.Failed));
        Assert.Equal(4, events.Count(e => e.EventType == TelemetryEventType.Rebatched));
    }

    [Fact]
    public async Task Ingest_RunTwice_GivesTheSameStateAndTheSameCost()
    {
        var (h, jobId, _) = await CompletedMixedJobAsync();
        await using var _1 = h;

        await h.Get<BatchIngestJob>().RunAsync(jobId, Token);
        var once = await SnapshotAsync(h);
        var second = await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        Assert.Equal(0, second.Results);
        Assert.Equal(once, await SnapshotAsync(h));
    }

    [Fact]
    public async Task Ingest_CancelledHalfWayThenRunAgain_EndsInTheSameStateAsAnUninterruptedRun()
    {
        var (reference, referenceJob, _) = await CompletedMixedJobAsync(pageSize: 3);
        await using var _1 = reference;
        await reference.Get<BatchIngestJob>().RunAsync(referenceJob, Token);
        var expected = await SnapshotAsync(reference);

        var (h, jobId, _) = await CompletedMixedJobAsync(pageSize: 3);
        await using var _2 = h;
        using var stop = new CancellationTokenSource();
        h.Scripted!.OnResult = index =>
        {
            if (index == 7)
            {
                stop.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Get<BatchIngestJob>().RunAsync(jobId, stop.Token));
        Assert.Contains(await h.RequestsAsync(), r => r.Status == RequestStatus.InBatch);
        Assert.Null((await h.JobAsync(jobId)).ResultsIngestedAt);

        h.Scripted.OnResult = null;
        await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        Assert.Equal(expected, await SnapshotAsync(h));
    }

    [Fact]
    public async Task Ingest_TwoRunsAtOnce_SettleEachRequestOnceAndBothFinish()
    {
        var (reference, referenceJob, _) = await CompletedMixedJobAsync(pageSize: 2);
        await using var _1 = reference;
        await reference.Get<BatchIngestJob>().RunAsync(referenceJob, Token);
        var expected = await SnapshotAsync(reference);

        // Hangfire delivers at least once: the same ingestion may run twice at the same moment.
        var (h, jobId, _) = await CompletedMixedJobAsync(pageSize: 2);
        await using var _2 = h;
        var runs = await Task.WhenAll(
            Task.Run(() => h.Get<BatchIngestJob>().RunAsync(jobId, Token), Token),
            Task.Run(() => h.Get<BatchIngestJob>().RunAsync(jobId, Token), Token));

        Assert.Equal(expected, await SnapshotAsync(h));
        Assert.Equal(5, runs.Sum(r => r.Succeeded));
        Assert.Equal(5 * BatchPrice, runs.Sum(r => r.Cost));
    }

    [Fact]
    public async Task Ingest_ExpiredJobUnderFailPolicy_ExpiresWhatGotNoResult()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider(),
            policy: new Domain.Workloads.PromotionPolicy(false, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), Domain.Workloads.BatchFailurePolicy.Fail));
        var ids = await h.QueueAsync(3);
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));
        await h.Get<BatchSubmitJob>().RunAsync(jobId, Token);
        await h.FinishAsync(jobId, ProviderBatchState.Expired, b => b.Results.Add(ScriptedBatchProvider.Success(ids[0])));

        var summary = await h.Get<BatchIngestJob>().RunAsync(jobId, Token);

        Assert.Equal((1, 2, 2), (summary.Succeeded, summary.Expired, summary.Missing));
        var requests = await h.RequestsAsync();
        Assert.Equal([RequestStatus.Succeeded, RequestStatus.Expired, RequestStatus.Expired], requests.Select(r => r.Status));
        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.Expired, job.Status);
        Assert.NotNull(job.ResultsIngestedAt);
    }

    /// <summary>Everything a user could notice: each request's state and money, the job, and the telemetry per type.</summary>
    internal static async Task<string> SnapshotAsync(BatchHarness h)
    {
        var requests = await h.RequestsAsync();
        await using var db = h.Db();
        var events = await db.TelemetryEvents.AsNoTracking().ToListAsync(Token);
        var jobs = await db.BatchJobs.AsNoTracking().OrderBy(j => j.CreatedAt).ToListAsync(Token);
        return string.Join("\n",
            requests.Select((r, i) => $"{i}:{r.Status}:{r.Cost}:{r.CounterfactualCost}:{r.DuplicateCost}:{r.Output?.Replace(r.Id.ToString(), "<id>")}:{r.ErrorClass}:{r.BatchJobId is null}")
                .Concat(jobs.Select(j => $"job:{j.Status}:{j.ResultsIngestedAt is null}"))
                .Concat(events.Where(e => e.EventType != TelemetryEventType.AddedToBatch).GroupBy(e => e.EventType).OrderBy(g => g.Key)
                    .Select(g => $"{g.Key}:{g.Count()}:{g.Sum(e => e.Cost)}")));
    }
}
