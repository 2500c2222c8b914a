using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Testing.Providers.OpenAI;

namespace ControlPlane.Jobs.Tests.Providers.OpenAI;

/// <summary>OpenAI Batch output and error files (JSONL keyed by <c>custom_id</c>) ingested through the real batch engine.</summary>
public sealed class OpenAIBatchEngineTests
{
    // gpt-4o-mini list price: $0.15 / $0.60 per 1M input / output tokens, Batch API 50 % off.
    private static readonly PriceCatalogEntry Price = new(ProviderIds.OpenAI, "gpt-4o-mini", 0.15m, 0.60m, 0.5m, new DateOnly(2026, 1, 1));

    [Fact]
    public async Task Engine_OutputAndErrorFiles_SettleEachRequestAtBatchPriceAndCountTheDamagedLine()
    {
        await using var fake = await FakeOpenAI.StartAsync();
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(), Price, requests: 4);
        var ids = run.Ids.Select(id => id.ToString()).ToList();
        var input = fake.File(fake.Batch(run.ProviderBatchId)["input_file_id"]!.GetValue<string>());
        Assert.Equal("batch", input.Purpose);
        Assert.Equal(ids.Order(), input.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("custom_id").GetString()).Order());

        fake.Advance(run.ProviderBatchId, "in_progress", completed: 1, failed: 0);
        var running = await run.PollAsync();
        Assert.Equal((BatchJobStatus.InProgress, "in_progress", 1), (running.Status, running.ProviderStatus, running.CompletedCount));
        Assert.Empty(run.Harness.Queue.Ingests);

        fake.Advance(run.ProviderBatchId, "completed", completed: 2, failed: 2,
            outputLines:
            [
                FakeOpenAI.OutputLine(ids[0], "Revenue rose 12 %.", 1_000, 200),
                """{"id":"batch_req_cut","custom_id":"9f2c""", // cut off mid-line, as a damaged download would be
                FakeOpenAI.OutputLine(ids[1], "Costs fell.", 2_000, 400),
            ],
            errorLines:
            [
                FakeOpenAI.FailedLine(ids[2], 400, "invalid_request_error", "max_completion_tokens is too large: 999999."),
                FakeOpenAI.FailedLine(ids[3], 500, "server_error", "The server had an error while processing your request."),
            ]);
        var completed = await run.PollAsync();
        Assert.Equal((BatchJobStatus.Completed, 2, 2), (completed.Status, completed.CompletedCount, completed.FailedCount));

        var summary = await run.IngestAsync();

        Assert.Equal((5, 2, 1, 1, 1), (summary.Results, summary.Succeeded, summary.Failed, summary.Rebatched, summary.Malformed));
        // 1,000 in + 200 out = $0.00027 in real time, $0.000135 in the batch; 2,000 + 400 = $0.00054, $0.00027.
        Assert.Equal(0.000405m, summary.Cost);
        var requests = await run.RequestsAsync();
        var first = requests[run.Ids[0]];
        Assert.Equal((RequestStatus.Succeeded, RequestMode.Batch, "openai", "gpt-4o-mini"), (first.Status, first.Mode, first.Provider, first.Model));
        Assert.Equal(("Revenue rose 12 %.", 1_000, 200, 0.000135m, 0.00027m),
            (first.Output, first.InputTokens, first.OutputTokens, first.Cost, first.CounterfactualCost));
        var second = requests[run.Ids[1]];
        Assert.Equal(("Costs fell.", 2_000, 400, 0.00027m, 0.00054m),
            (second.Output, second.InputTokens, second.OutputTokens, second.Cost, second.CounterfactualCost));
        var rejected = requests[run.Ids[2]];
        Assert.Equal((RequestStatus.Failed, ProviderErrorClass.InvalidRequest, "max_completion_tokens is too large: 999999.", 0m),
            (rejected.Status, rejected.ErrorClass, rejected.Error, rejected.Cost));
        // A server error is worth another try: the workload re-batches it, so it waits for the next job.
        var retried = requests[run.Ids[3]];
        Assert.Equal((RequestStatus.Queued, null, 0m), (retried.Status, retried.BatchJobId, retried.Cost));
        var job = await run.Harness.JobAsync(run.JobId);
        Assert.Equal(BatchJobStatus.Ingested, job.Status);

        await run.AssertReingestChangesNothingAsync();
    }
}
