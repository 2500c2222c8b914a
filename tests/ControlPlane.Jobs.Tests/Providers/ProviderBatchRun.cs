using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Tests.Batches;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Jobs.Tests.Providers;

/// <summary>
/// A real adapter, pointed at its loopback fake, driven by the real batch engine: queued requests of a workload that
/// batches with the adapter's model → <see cref="BatchAssemblyJob"/> → <see cref="BatchSubmitJob"/> (the adapter
/// sends the batch to the fake) → <see cref="BatchPollJob"/> (the fake reports progress) → <see cref="BatchIngestJob"/>
/// (the adapter reads the fake's result format). The clock is fake; each poll waits exactly as long as the engine asked.
/// </summary>
internal sealed class ProviderBatchRun : IAsyncDisposable
{
    private ProviderBatchRun(BatchHarness harness, Guid jobId, List<Guid> ids, string providerBatchId)
    {
        Harness = harness;
        JobId = jobId;
        Ids = ids;
        ProviderBatchId = providerBatchId;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public BatchHarness Harness { get; }

    public Guid JobId { get; }

    /// <summary>The queued requests, oldest first; their ids are the custom ids the adapter sends.</summary>
    public List<Guid> Ids { get; }

    public string ProviderBatchId { get; }

    /// <param name="onFailure">The workload's on-batch-failure policy for items without a usable result.</param>
    public static async Task<ProviderBatchRun> SubmitAsync(IInferenceProvider adapter, PriceCatalogEntry price, int requests,
        BatchFailurePolicy onFailure = BatchFailurePolicy.Rebatch)
    {
        var policy = new PromotionPolicy(false, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), onFailure);
        var harness = await BatchHarness.CreateAsync(adapter, policy: policy, price: price);
        try
        {
            var ids = await harness.QueueAsync(requests);
            var jobId = Assert.Single(await harness.Get<BatchAssemblyJob>().RunAsync(Token));
            await harness.Get<BatchSubmitJob>().RunAsync(Assert.Single(harness.Queue.Submits), Token);
            var job = await harness.JobAsync(jobId);
            Assert.Equal((price.Provider, price.Model, requests), (job.Provider, job.Model, job.RequestCount));
            return new ProviderBatchRun(harness, jobId, ids, job.ProviderBatchId ?? throw new InvalidOperationException("The job was not submitted."));
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Moves the clock to the job's next poll and runs the poller as Hangfire's recurring job does.</summary>
    public async Task<BatchJob> PollAsync()
    {
        var job = await Harness.JobAsync(JobId);
        if (job.NextPollAt is { } due && due > Harness.Time.GetUtcNow())
        {
            Harness.Time.Advance(due - Harness.Time.GetUtcNow());
        }
        await Harness.Get<BatchPollJob>().RunAsync(Token);
        return await Harness.JobAsync(JobId);
    }

    /// <summary>An operator's cancel from the Batches page.</summary>
    public Task<OperatorActionResult> CancelAsync(string reason) =>
        new BatchOperations(Harness.Get<IDbContextFactory<ControlPlaneDbContext>>(), Harness.Get<IProviderRegistry>(), Harness.Get<BatchPromotion>(),
            Harness.Queue, Harness.Time, NullLogger<BatchOperations>.Instance).CancelAsync(JobId, "operator@demo.local", reason, Token);

    /// <summary>Runs the ingestion the poller asked for (it must have asked exactly once).</summary>
    public async Task<IngestSummary> IngestAsync()
    {
        Assert.Equal(JobId, Assert.Single(Harness.Queue.Ingests));
        return await Harness.Get<BatchIngestJob>().RunAsync(JobId, Token);
    }

    public async Task<Dictionary<Guid, InferenceRequest>> RequestsAsync() => (await Harness.RequestsAsync()).ToDictionary(r => r.Id);

    /// <summary>Everything a user could notice (requests, money, job, telemetry), to compare two ingestion runs.</summary>
    public Task<string> SnapshotAsync() => BatchIngestJobTests.SnapshotAsync(Harness);

    /// <summary>Ingests once more and asserts that the second run finds nothing to do and changes nothing.</summary>
    public async Task AssertReingestChangesNothingAsync()
    {
        var before = await SnapshotAsync();
        var again = await Harness.Get<BatchIngestJob>().RunAsync(JobId, Token);
        Assert.Equal(0, again.Results);
        Assert.Equal(0m, again.Cost);
        Assert.Equal(before, await SnapshotAsync());
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
