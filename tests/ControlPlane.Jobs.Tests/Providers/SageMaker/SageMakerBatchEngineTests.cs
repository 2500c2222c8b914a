using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Testing.Providers.SageMaker;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Tests.Providers.SageMaker;

/// <summary>SageMaker async inference output and failure objects in S3 ingested through the real batch engine.</summary>
public sealed class SageMakerBatchEngineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // An endpoint-hour estimate of $0.20 / $0.20 per 1M tokens; async inference earns no discount.
    private static readonly PriceCatalogEntry Price = new(ProviderIds.SageMaker, "llama-3-1-8b-instruct", 0.20m, 0.20m, 0m, new DateOnly(2026, 1, 1));

    [Fact]
    public async Task Engine_OutputAndFailureObjects_SettleEachRequestAtFullPrice_AndCountTheUnreadableOutput()
    {
        await using var fake = await FakeSageMaker.StartAsync();
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(), Price, requests: 4);
        string Key(int i) => run.Ids[i].ToString();
        // One signed InvokeEndpointAsync per request, each pointing at its input uploaded to S3.
        Assert.Equal(4, fake.VerifiedSignatures);
        Assert.Equal(run.Ids.Select(id => $"{id}.json").Order(), fake.Keys($"{FakeSageMaker.Bucket}/").Where(k => k.Contains("/input/", StringComparison.Ordinal))
            .Select(k => k[(k.LastIndexOf('/') + 1)..]).Order());

        fake.Succeed(Key(0), "Ticket routed to billing.", 1_000, 200);
        var running = await run.PollAsync();
        Assert.Equal((BatchJobStatus.InProgress, 1, 0), (running.Status, running.CompletedCount, running.FailedCount));

        fake.Fail(Key(1), "ModelError: Received server error (500) from primary with message \"CUDA out of memory\".");
        fake.Succeed(Key(2), "Ticket routed to sales.", 300, 100);
        fake.Output(Key(3), "<html><body>502 Bad Gateway</body></html>");
        var done = await run.PollAsync();
        Assert.Equal((BatchJobStatus.Completed, 3, 1), (done.Status, done.CompletedCount, done.FailedCount));

        var summary = await run.IngestAsync();

        Assert.Equal((4, 2, 1, 1, 2), (summary.Results, summary.Succeeded, summary.Malformed, summary.Missing, summary.Rebatched));
        var requests = await run.RequestsAsync();
        // No batch discount: the batch price is the real-time price. 1,000 + 200 tokens at $0.20 = $0.00024; 300 + 100 = $0.00008.
        Assert.Equal((RequestStatus.Succeeded, "Ticket routed to billing.", 1_000, 200, 0.00024m, 0.00024m), Settled(requests[run.Ids[0]]));
        Assert.Equal((RequestStatus.Succeeded, "Ticket routed to sales.", 300, 100, 0.00008m, 0.00008m), Settled(requests[run.Ids[2]]));
        Assert.Equal(0.00032m, summary.Cost);
        // The failed invocation and the unreadable output are both worth another batch; each says why on its own request.
        Assert.All([run.Ids[1], run.Ids[3]], id => Assert.Equal((RequestStatus.Queued, null, 0m), (requests[id].Status, requests[id].BatchJobId, requests[id].Cost)));
        await using (var db = run.Harness.Db())
        {
            var rebatched = await db.TelemetryEvents.AsNoTracking().Where(e => e.EventType == TelemetryEventType.Rebatched).ToDictionaryAsync(e => e.RequestId, Token);
            Assert.Contains("CUDA out of memory", rebatched[run.Ids[1]].Detail, StringComparison.Ordinal);
            Assert.Equal("The provider returned no result for this request.", rebatched[run.Ids[3]].Detail);
        }

        await run.AssertReingestChangesNothingAsync();
    }

    private static (RequestStatus, string?, int, int, decimal, decimal) Settled(InferenceRequest r) =>
        (r.Status, r.Output, r.InputTokens, r.OutputTokens, r.Cost, r.CounterfactualCost);
}
