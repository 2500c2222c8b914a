using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Web.Features.Batches;
using ControlPlane.Web.Tests.Infrastructure;
using ControlPlane.Web.Tests.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Web.Tests.Batches;

/// <summary>The progress the batch list and a job's page show: requests with an outcome, whichever path gave it.</summary>
public sealed class BatchProgressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PromotedJob_RequestsAnsweredInRealTime_CountAsDoneInTheListAndOnTheJobPage()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        // Three requests promoted: two answered in real time, one still being sent. The provider finished none.
        var jobId = await JobAsync(database, clock, job => job.Promote(clock.GetUtcNow()), succeeded: 2, stillOpen: 1);

        var row = Assert.Single((await BatchRow.PageAsync(database, clock, null, false, 0, 10, Ct)).Items!);
        var detail = await BatchDetail.LoadAsync(database, jobId, Ct);

        Assert.Equal((3, 2, 0), (row.Requests, row.Completed, row.Failed));
        Assert.Equal(200.0 / 3, row.ProgressPercent, 6);
        Assert.Equal(row.ProgressPercent, detail!.Progress.Percent);
    }

    [Fact]
    public async Task JobAtTheProvider_BeforeItsResultsAreIngested_ShowsTheProvidersCounts()
    {
        var clock = DemoData.Clock();
        using var database = await DemoData.SeededDatabaseAsync(clock, Ct);
        // The provider has finished two items and failed one; the requests stay InBatch until ingestion.
        var jobId = await JobAsync(database, clock, job => job.Observe(BatchJobStatus.InProgress, "in_progress", 2, 1, clock.GetUtcNow()),
            succeeded: 0, stillOpen: 3);

        var row = Assert.Single((await BatchRow.PageAsync(database, clock, null, false, 0, 10, Ct)).Items!);
        var detail = await BatchDetail.LoadAsync(database, jobId, Ct);

        Assert.Equal((2, 1), (row.Completed, row.Failed));
        Assert.Equal(100, row.ProgressPercent);
        Assert.Equal(100, detail!.Progress.Percent);
    }

    /// <summary>
    /// A submitted document-processing job with its requests; <paramref name="then"/> moves the job on. The requests of
    /// a promoted job are sent in real time; the first <paramref name="succeeded"/> have their answer.
    /// </summary>
    private static async Task<Guid> JobAsync(InMemoryDatabase database, FakeTimeProvider clock, Action<BatchJob> then, int succeeded, int stillOpen)
    {
        var now = clock.GetUtcNow();
        await using var db = database.CreateDbContext();
        var workload = await db.Workloads.AsNoTracking().SingleAsync(w => w.Slug == "document-processing", Ct);
        var job = new BatchJob(workload.BatchModel!, now, workload.Id) { RequestCount = succeeded + stillOpen };
        job.BeginSubmit(now);
        job.Submitted("sim-batch-1", now);
        then(job);
        db.BatchJobs.Add(job);
        for (var i = 0; i < succeeded + stillOpen; i++)
        {
            var request = new InferenceRequest(workload.Id, workload.TeamId, "{}", null, null, null, null, now);
            request.Route(new RoutingDecision(RequestMode.Batch, workload.BatchModel!, "batch-friendly"), now);
            request.Enqueue(now);
            request.AssignToBatch(job.Id, now);
            if (job.Status == BatchJobStatus.Promoted)
            {
                request.Promote(now);
                request.Dispatch(workload.RealtimeModel, now);
            }
            if (i < succeeded)
            {
                request.Succeed("ok", new TokenUsage(100, 50), new CostBreakdown(0.01m, 0.01m), now.AddSeconds(1));
            }
            db.Requests.Add(request);
        }
        await db.SaveChangesAsync(Ct);
        return job.Id;
    }
}
