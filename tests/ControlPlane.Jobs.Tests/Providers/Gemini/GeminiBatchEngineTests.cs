using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Testing.Providers.Gemini;

namespace ControlPlane.Jobs.Tests.Providers.Gemini;

/// <summary>
/// Gemini API Batch Mode results ingested through the real batch engine: inline responses (keyed by <c>metadata.key</c>,
/// in input order) and the JSONL <c>responsesFile</c> of a batch submitted through the File API.
/// </summary>
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

    [Fact]
    public async Task Engine_FileApiBatch_ResponsesFileLinesSettleEachRequest_BillThinkingAsOutput_AndCountTheDamagedLine()
    {
        await using var fake = await FakeGemini.StartAsync();
        // Six requests are over a 1 KB inline limit: the batch goes through the File API.
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(maxInlineBatchBytes: 1024), Price, requests: 6);
        string Key(int i) => run.Ids[i].ToString();
        var input = fake.Files[Assert.Single(fake.Files.Keys)];
        Assert.Equal(run.Ids.Select(id => id.ToString()),
            System.Text.Encoding.UTF8.GetString(input).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()));

        fake.Advance(run.ProviderBatchId, "BATCH_STATE_RUNNING", succeeded: 0, failed: 0);
        Assert.Equal(BatchJobStatus.InProgress, (await run.PollAsync()).Status);

        fake.AdvanceWithResponsesFile(run.ProviderBatchId, "BATCH_STATE_SUCCEEDED", succeeded: 4, failed: 2,
        [
            FakeGemini.SucceededLine(Key(0), "Churn risk: low.", 1_000, 200),
            FakeGemini.FailedLine(Key(1), 3, "Request contains an invalid argument."),
            FakeGemini.FailedLine(Key(2), 8, "Resource has been exhausted (e.g. check quota)."),
            FakeGemini.SucceededLine(Key(3), "Churn risk: high.", 400, 50, thoughtsTokens: 150),
            """{"key": "cut off mid-line""",
            FakeGemini.SucceededLine(Key(4), "Churn risk: medium.", 100, 20),
            FakeGemini.SucceededLine(Key(5), "Churn risk: none.", 2_000, 100),
        ]);
        var done = await run.PollAsync();
        Assert.Equal((BatchJobStatus.Completed, 4, 2), (done.Status, done.CompletedCount, done.FailedCount));

        var summary = await run.IngestAsync();

        Assert.Equal((7, 4, 1, 1, 1), (summary.Results, summary.Succeeded, summary.Failed, summary.Rebatched, summary.Malformed));
        var download = fake.Server.Single("GET", $"/download/v1beta/files/batch-{run.ProviderBatchId}-responses:download");
        Assert.Equal(("?alt=media", FakeGemini.ApiKey), (download.Query, download.Header("x-goog-api-key")));
        var requests = await run.RequestsAsync();
        // 1,000 in + 200 out at $0.30 / $2.50 = $0.0008 real time, $0.0004 batch.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: low.", 1_000, 200, 0.0004m, 0.0008m), Settled(requests[run.Ids[0]]));
        // 50 answer + 150 thinking tokens are 200 billed output tokens: 400 in + 200 out = $0.00062, $0.00031.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: high.", 400, 200, 0.00031m, 0.00062m), Settled(requests[run.Ids[3]]));
        // 100 in + 20 out = $0.00008, $0.00004.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: medium.", 100, 20, 0.00004m, 0.00008m), Settled(requests[run.Ids[4]]));
        // 2,000 in + 100 out = $0.0006 + $0.00025 = $0.00085, $0.000425.
        Assert.Equal((RequestStatus.Succeeded, "Churn risk: none.", 2_000, 100, 0.000425m, 0.00085m), Settled(requests[run.Ids[5]]));
        Assert.Equal(0.001175m, summary.Cost);
        Assert.Equal((RequestStatus.Failed, ProviderErrorClass.InvalidRequest, "Request contains an invalid argument."),
            (requests[run.Ids[1]].Status, requests[run.Ids[1]].ErrorClass, requests[run.Ids[1]].Error));
        Assert.Equal((RequestStatus.Queued, null), (requests[run.Ids[2]].Status, requests[run.Ids[2]].BatchJobId));

        await run.AssertReingestChangesNothingAsync();
    }

    private static (RequestStatus, string?, int, int, decimal, decimal) Settled(InferenceRequest r) =>
        (r.Status, r.Output, r.InputTokens, r.OutputTokens, r.Cost, r.CounterfactualCost);
}
