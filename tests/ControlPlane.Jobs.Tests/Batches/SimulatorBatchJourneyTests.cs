using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Requests;

namespace ControlPlane.Jobs.Tests.Batches;

public sealed class SimulatorBatchJourneyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QueuedRequests_AreAssembledSubmittedPolledAndIngested_WithinTheSimulatorTurnaround()
    {
        await using var h = await BatchHarness.CreateAsync(simulator: o => o.BatchTurnaround = TimeSpan.FromMinutes(2));
        await h.QueueAsync(25);
        var jobId = Assert.Single(await h.Get<BatchAssemblyJob>().RunAsync(Token));
        await h.Get<BatchSubmitJob>().RunAsync(Assert.Single(h.Queue.Submits), Token);

        var polls = 0;
        while (h.Queue.Ingests.IsEmpty && polls++ < 200)
        {
            h.Time.Advance(TimeSpan.FromSeconds(5));
            await h.Get<BatchPollJob>().RunAsync(Token);
        }
        var summary = await h.Get<BatchIngestJob>().RunAsync(Assert.Single(h.Queue.Ingests), Token);

        Assert.InRange(h.Time.GetUtcNow() - BatchHarness.Start, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));
        Assert.Equal(25, summary.Succeeded);
        var job = await h.JobAsync(jobId);
        Assert.Equal(BatchJobStatus.Ingested, job.Status);
        Assert.Equal(25, job.CompletedCount);
        // Polled on the compressed schedule (3 s doubling to a 15 s cap), not once a second and not once in 10 minutes.
        Assert.InRange(job.PollCount, 6, 20);
        var requests = await h.RequestsAsync();
        Assert.All(requests, r => Assert.Equal(RequestStatus.Succeeded, r.Status));
        Assert.All(requests, r => Assert.Equal(r.CounterfactualCost / 2, r.Cost));
        Assert.All(requests, r => Assert.True(r.Cost > 0));
    }
}
