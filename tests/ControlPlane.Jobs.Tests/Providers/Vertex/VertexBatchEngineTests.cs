using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Testing.Providers.Vertex;

namespace ControlPlane.Jobs.Tests.Providers.Vertex;

/// <summary>Vertex AI batch prediction output (predictions JSONL in Cloud Storage) ingested through the real batch engine.</summary>
public sealed class VertexBatchEngineTests
{
    // Vertex AI gemini-2.5-flash: $0.30 / $2.50 per 1M input / output tokens, batch prediction 50 % off.
    private static readonly PriceCatalogEntry Price = new(ProviderIds.VertexAI, "gemini-2.5-flash", 0.30m, 2.50m, 0.5m, new DateOnly(2026, 1, 1));

    [Fact]
    public async Task Engine_PartiallySucceededJob_SettlesRowsByKeyOrLabel_RebatchesTheIncompleteAndCountsTheDamagedRow()
    {
        await using var fake = await FakeVertex.StartAsync();
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(), Price, requests: 4);
        string Key(int i) => run.Ids[i].ToString();
        var input = Assert.Single(fake.Objects, o => o.Key.EndsWith(".jsonl", StringComparison.Ordinal));
        Assert.All(run.Ids, id => Assert.Contains($"\"key\":\"{id}\"", System.Text.Encoding.UTF8.GetString(input.Value), StringComparison.Ordinal));

        fake.Advance(run.ProviderBatchId, "JOB_STATE_RUNNING", succeeded: 1, failed: 0, incomplete: 3);
        var running = await run.PollAsync();
        Assert.Equal((BatchJobStatus.InProgress, "JOB_STATE_RUNNING", 1), (running.Status, running.ProviderStatus, running.CompletedCount));

        fake.Advance(run.ProviderBatchId, "JOB_STATE_PARTIALLY_SUCCEEDED", succeeded: 2, failed: 1, incomplete: 1, rows:
        [
            FakeVertex.Failed(Key(2), "Bad Request: {\"error\": {\"code\": 400, \"message\": \"Request contains an invalid argument.\", \"status\": \"INVALID_ARGUMENT\"}}"),
            FakeVertex.Succeeded(Key(0), "Invoice total: 1,240 EUR.", 1_000, 200),
            """{"status": "", "processed_time": "2026-01-05T09:20:00.000+00:00", "request": {"contents": [""", // cut off
            FakeVertex.SucceededLabelOnly(Key(1), "Invoice total: 88 EUR."),
        ]);
        var done = await run.PollAsync();
        Assert.Equal((BatchJobStatus.Completed, "JOB_STATE_PARTIALLY_SUCCEEDED", 2, 1), (done.Status, done.ProviderStatus, done.CompletedCount, done.FailedCount));

        var summary = await run.IngestAsync();

        Assert.Equal((4, 2, 1, 1, 1, 1), (summary.Results, summary.Succeeded, summary.Failed, summary.Malformed, summary.Missing, summary.Rebatched));
        var requests = await run.RequestsAsync();
        // 1,000 in + 200 out at $0.30 / $2.50 = $0.0008 real time, $0.0004 batch.
        Assert.Equal((RequestStatus.Succeeded, "Invoice total: 1,240 EUR.", 1_000, 200, 0.0004m, 0.0008m), Settled(requests[run.Ids[0]]));
        // Named only by the echoed request's label. 5 in + 1 out = $0.000004 real time, $0.000002 batch.
        Assert.Equal((RequestStatus.Succeeded, "Invoice total: 88 EUR.", 5, 1, 0.000002m, 0.000004m), Settled(requests[run.Ids[1]]));
        Assert.Equal(0.000402m, summary.Cost);
        var rejected = requests[run.Ids[2]];
        Assert.Equal((RequestStatus.Failed, ProviderErrorClass.InvalidRequest), (rejected.Status, rejected.ErrorClass));
        Assert.Contains("Request contains an invalid argument.", rejected.Error, StringComparison.Ordinal);
        // The row Vertex never wrote (incomplete): the workload re-batches the request.
        Assert.Equal((RequestStatus.Queued, null, 0m), (requests[run.Ids[3]].Status, requests[run.Ids[3]].BatchJobId, requests[run.Ids[3]].Cost));

        await run.AssertReingestChangesNothingAsync();
    }

    private static (RequestStatus, string?, int, int, decimal, decimal) Settled(InferenceRequest r) =>
        (r.Status, r.Output, r.InputTokens, r.OutputTokens, r.Cost, r.CounterfactualCost);
}
