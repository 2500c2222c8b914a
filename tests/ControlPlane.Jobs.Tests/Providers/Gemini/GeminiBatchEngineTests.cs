using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Testing.Providers.Gemini;

namespace ControlPlane.Jobs.Tests.Providers.Gemini;

/// <summary>Gemini API Batch Mode inline responses (keyed by <c>metadata.key</c>, in input order) ingested through the real batch engine.</summary>
public sealed class GeminiBatchEngineTests
{
    // gemini-2.5-flash list price: $0.30 / $2.50 per 1M input / output tokens, Batch Mode 50 % off.
    private static readonly PriceCatalogEntry Price = new(ProviderIds.Gemini, "gemini-2.5-flash", 0.30m, 2.50m, 0.5m, new DateOnly(2026, 1, 1));

    [Fact]
    public async Task Engine_InlineResponses_SettleEachRequestByKeyOrPosition_BillThinkingAsOutput_AndCountTheStrayKey()
    {
        await using var fake = await FakeGemini.StartAsync();
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(), Price, requests: 5);
        var keys = fake.InputKeys(run.ProviderBatchId);
        Assert.Equal(run.Ids.Select(id => id.ToString()).Order(), keys.Order());
        string Key(int i) => run.Ids[i].ToString();

        fake.Advance(run.ProviderBatchId, "BATCH_STATE_RUNNING", succeeded: 0, failed: 0);
        var running = await run.PollAsync();
        Assert.Equal((BatchJobStatus.InProgress, "BATCH_STATE_RUNNING"), (running.Status, running.ProviderStatus));

        var answers = new Dictionary<string, object>
        {
            [Key(0)] = FakeGemini.Succeeded(Key(0), "Churn risk: low.", 1_000, 200),
            [Key(1)] = FakeGemini.Failed(Key(1), 3, "Request contains an invalid argument."),
            [Key(2)] = FakeGemini.Failed(Key(2), 8, "Resource has been exhausted (e.g. check quota)."),
            [Key(3)] = FakeGemini.Succeeded(Key(3), "Churn risk: high.", 400, 50, thoughtsTokens: 150),
            [Key(4)] = FakeGemini.SucceededWithoutKey("Churn risk: medium.", 100, 20),
        };
        // Responses come in input order; a response keyed to no request of ours is appended.
        fake.Advance(run.ProviderBatchId, "BATCH_STATE_SUCCEEDED", succeeded: 3, failed: 2,
            [.. keys.Select(k => answers[k]), FakeGemini.Succeeded("not-a-request", "Stray.", 1, 1)]);
        var done = await run.PollAsync();
        Assert.Equal((BatchJobStatus.Completed, 3, 2), (done.Status, done.CompletedCount, done.FailedCount));

        var summary = await run.IngestAsync();

        Assert.Equal((6, 3, 1, 1, 1), (summary.Results, summary.Succeeded, summary.Failed, summary.Rebatched, summary.Malformed));
        var requests = await run.RequestsAsync();
        // 1,000 in + 200 out at $0.30 / $2.50 = $0.0008 real time, $0.0004 batch.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: low.", 1_000, 200, 0.0004m, 0.0008m), Settled(requests[run.Ids[0]]));
        // 50 answer + 150 thinking tokens are 200 billed output tokens: 400 in + 200 out = $0.00062, $0.00031.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: high.", 400, 200, 0.00031m, 0.00062m), Settled(requests[run.Ids[3]]));
        // No key: matched by its position. 100 in + 20 out = $0.00008, $0.00004.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: medium.", 100, 20, 0.00004m, 0.00008m), Settled(requests[run.Ids[4]]));
        Assert.Equal(0.00075m, summary.Cost);
        Assert.Equal((RequestStatus.Failed, ProviderErrorClass.InvalidRequest, "Request contains an invalid argument."),
            (requests[run.Ids[1]].Status, requests[run.Ids[1]].ErrorClass, requests[run.Ids[1]].Error));
        // RESOURCE_EXHAUSTED is a rate limit: worth another batch, so the request is queued again.
        Assert.Equal((RequestStatus.Queued, null), (requests[run.Ids[2]].Status, requests[run.Ids[2]].BatchJobId));

        await run.AssertReingestChangesNothingAsync();
    }

    private static (RequestStatus, string?, int, int, decimal, decimal) Settled(InferenceRequest r) =>
        (r.Status, r.Output, r.InputTokens, r.OutputTokens, r.Cost, r.CounterfactualCost);
}
