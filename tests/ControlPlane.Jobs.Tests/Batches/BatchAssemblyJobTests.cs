using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Requests;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Tests.Batches;

public sealed class BatchAssemblyJobTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Assembly_FullGroups_AreCutAtTheRequestLimit_AndTheRemainderWaitsForMaxWait()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider());
        h.Options.MinBatchSize = 3;
        h.Options.MaxRequestsPerBatch = 3;
        h.Options.MaxWait = TimeSpan.FromMinutes(10);
        await h.QueueAsync(7);

        var first = await h.Get<BatchAssemblyJob>().RunAsync(Token);

        Assert.Equal(2, first.Count);
        var requests = await h.RequestsAsync();
        Assert.Equal(6, requests.Count(r => r.Status == RequestStatus.InBatch));
        Assert.Single(requests, r => r.Status == RequestStatus.Queued);
        Assert.All(first, id => Assert.Equal(3, requests.Count(r => r.BatchJobId == id)));
        Assert.Equal(first, h.Queue.Submits.ToArray());

        h.Time.Advance(TimeSpan.FromMinutes(10));
        var second = await h.Get<BatchAssemblyJob>().RunAsync(Token);

        var last = Assert.Single(second);
        var job = await h.JobAsync(last);
        Assert.Equal(1, job.RequestCount);
        Assert.Equal(BatchJobStatus.Assembling, job.Status);
        Assert.Equal(h.Workload.Id, job.WorkloadId);
        Assert.DoesNotContain(await h.RequestsAsync(), r => r.Status == RequestStatus.Queued);
    }

    [Fact]
    public async Task Assembly_RespectsTheProvidersBytesPerBatch()
    {
        var provider = new ScriptedBatchProvider();
        await using var h = await BatchHarness.CreateAsync(provider);
        // Each stored input is about 70 characters, plus 200 bytes of line framing: two fit in 600 bytes.
        provider.Capabilities = provider.Capabilities with { MaxBatchBytes = 600 };
        await h.QueueAsync(5);

        var jobs = await h.Get<BatchAssemblyJob>().RunAsync(Token);

        var requests = await h.RequestsAsync();
        Assert.Equal([2, 2, 1], jobs.Select(id => requests.Count(r => r.BatchJobId == id)));
    }

    [Fact]
    public async Task Assembly_RequestWithTightDeadline_IsSentBeforeMaxWait()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider());
        h.Options.MinBatchSize = 100;
        h.Options.MaxWait = TimeSpan.FromHours(1);
        var deadline = h.Time.GetUtcNow() + TimeSpan.FromMinutes(30);
        await h.QueueAsync(1, deadline);
        await h.QueueAsync(2);

        Assert.Empty(await h.Get<BatchAssemblyJob>().RunAsync(Token));

        // Deadline − Simulator turnaround (2 min) − safety margin (10 min): sent 18 minutes before the deadline.
        h.Time.Advance(deadline - TimeSpan.FromMinutes(12) - h.Time.GetUtcNow());
        var job = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));

        var stored = await h.JobAsync(job);
        Assert.Equal(3, stored.RequestCount);
        Assert.Equal(deadline, stored.EarliestDeadline);
    }

    [Fact]
    public async Task Assembly_TwoRunsAtOnce_PutEachRequestInOneJob()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider());
        await h.QueueAsync(50);

        var runs = await Task.WhenAll(
            Task.Run(() => h.Get<BatchAssemblyJob>().RunAsync(Token), Token),
            Task.Run(() => h.Get<BatchAssemblyJob>().RunAsync(Token), Token));
        await h.Get<BatchAssemblyJob>().RunAsync(Token);

        await using var db = h.Db();
        var requests = await db.Requests.AsNoTracking().ToListAsync(Token);
        Assert.All(requests, r => Assert.Equal(RequestStatus.InBatch, r.Status));
        var jobs = await db.BatchJobs.AsNoTracking().ToListAsync(Token);
        Assert.Equal(50, jobs.Sum(j => j.RequestCount));
        Assert.All(jobs, j => Assert.Equal(j.RequestCount, requests.Count(r => r.BatchJobId == j.Id)));
        Assert.True(runs.Sum(r => r.Count) >= 1);
    }
}
