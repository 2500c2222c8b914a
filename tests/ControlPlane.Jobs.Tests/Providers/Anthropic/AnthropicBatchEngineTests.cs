using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using ControlPlane.Testing.Providers.Anthropic;

namespace ControlPlane.Jobs.Tests.Providers.Anthropic;

/// <summary>Anthropic Message Batches results (JSONL behind <c>results_url</c>) ingested through the real batch engine.</summary>
public sealed class AnthropicBatchEngineTests
{
    // claude-haiku-4-5 list price: $1 / $5 per 1M input / output tokens, Message Batches 50 % off.
    private static readonly PriceCatalogEntry Price = new(ProviderIds.Anthropic, "claude-haiku-4-5", 1.00m, 5.00m, 0.5m, new DateOnly(2026, 1, 1));

    [Fact]
    public async Task Engine_EndedBatchWithSucceededErroredAndExpiredItems_SettlesEachRequestAndCountsTheStrayLine()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(), Price, requests: 5, BatchFailurePolicy.Fail);
        // Anthropic echoes the custom ids we sent (our request id behind a tag naming the job).
        var sent = fake.InputCustomIds(run.ProviderBatchId);
        string Sent(int i) => Assert.Single(sent, id => id.EndsWith(run.Ids[i].ToString(), StringComparison.Ordinal));

        fake.Advance(run.ProviderBatchId, "in_progress", processing: 3, succeeded: 1, errored: 1, canceled: 0, expired: 0);
        var running = await run.PollAsync();
        Assert.Equal((BatchJobStatus.InProgress, 1, 1), (running.Status, running.CompletedCount, running.FailedCount));

        fake.Advance(run.ProviderBatchId, "ended", processing: 0, succeeded: 2, errored: 2, canceled: 0, expired: 1,
        [
            FakeAnthropic.Errored(Sent(1), "invalid_request_error", "max_tokens: Field required"),
            FakeAnthropic.Succeeded(Sent(4), "Two refunds are overdue.", 500, 100),
            FakeAnthropic.Ended(Sent(3), "expired"),
            FakeAnthropic.Succeeded(sent[0][..13] + "not-one-of-ours", "Stray.", 10, 1),
            FakeAnthropic.Errored(Sent(2), "overloaded_error", "Overloaded"),
            FakeAnthropic.Succeeded(Sent(0), "The invoice is paid.", 1_000, 200),
        ]);
        var ended = await run.PollAsync();
        Assert.Equal((BatchJobStatus.Expired, "ended"), (ended.Status, ended.ProviderStatus));

        var summary = await run.IngestAsync();

        Assert.Equal((6, 2, 2, 1, 1), (summary.Results, summary.Succeeded, summary.Failed, summary.Expired, summary.Malformed));
        var requests = await run.RequestsAsync();
        // 1,000 in + 200 out at $1 / $5 = $0.002 in real time, $0.001 in the batch; 500 + 100 = $0.001, $0.0005.
        Assert.Equal(0.0015m, summary.Cost);
        Assert.Equal((RequestStatus.Succeeded, "The invoice is paid.", 1_000, 200, 0.001m, 0.002m),
            Settled(requests[run.Ids[0]]));
        Assert.Equal((RequestStatus.Succeeded, "Two refunds are overdue.", 500, 100, 0.0005m, 0.001m),
            Settled(requests[run.Ids[4]]));
        Assert.Equal((RequestStatus.Failed, ProviderErrorClass.InvalidRequest, "max_tokens: Field required"),
            (requests[run.Ids[1]].Status, requests[run.Ids[1]].ErrorClass, requests[run.Ids[1]].Error));
        // Overloaded is retryable, but this workload fails what its batch could not do rather than re-batching it.
        Assert.Equal((RequestStatus.Failed, ProviderErrorClass.Overloaded), (requests[run.Ids[2]].Status, requests[run.Ids[2]].ErrorClass));
        Assert.Equal(RequestStatus.Expired, requests[run.Ids[3]].Status);
        Assert.All(run.Ids.Skip(1).Take(3), id => Assert.Equal(0m, requests[id].Cost));

        await run.AssertReingestChangesNothingAsync();
    }

    [Fact]
    public async Task Engine_OperatorCancelsMidway_KeepsWhatSucceededAndCancelsTheCanceledItems()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        await using var run = await ProviderBatchRun.SubmitAsync(fake.Provider(), Price, requests: 3);
        var sent = fake.InputCustomIds(run.ProviderBatchId);
        string Sent(int i) => Assert.Single(sent, id => id.EndsWith(run.Ids[i].ToString(), StringComparison.Ordinal));
        fake.Advance(run.ProviderBatchId, "in_progress", processing: 2, succeeded: 1, errored: 0, canceled: 0, expired: 0);
        await run.PollAsync();

        Assert.True((await run.CancelAsync("wrong prompt template")).Succeeded);
        fake.Server.Single("POST", $"/v1/messages/batches/{run.ProviderBatchId}/cancel");
        Assert.Equal(BatchJobStatus.Cancelling, (await run.PollAsync()).Status);
        fake.Advance(run.ProviderBatchId, "ended", processing: 0, succeeded: 1, errored: 0, canceled: 2, expired: 0,
            [FakeAnthropic.Succeeded(Sent(0), "Done.", 300, 60), FakeAnthropic.Ended(Sent(1), "canceled"), FakeAnthropic.Ended(Sent(2), "canceled")]);
        Assert.Equal(BatchJobStatus.Cancelled, (await run.PollAsync()).Status);

        var summary = await run.IngestAsync();

        Assert.Equal((3, 1, 2), (summary.Results, summary.Succeeded, summary.Cancelled));
        var requests = await run.RequestsAsync();
        // 300 in + 60 out at $1 / $5 = $0.0006 in real time, $0.0003 in the batch.
        Assert.Equal((RequestStatus.Succeeded, "Done.", 300, 60, 0.0003m, 0.0006m), Settled(requests[run.Ids[0]]));
        Assert.All(run.Ids.Skip(1), id => Assert.Equal((RequestStatus.Cancelled, 0m), (requests[id].Status, requests[id].Cost)));

        await run.AssertReingestChangesNothingAsync();
    }

    private static (RequestStatus, string?, int, int, decimal, decimal) Settled(InferenceRequest r) =>
        (r.Status, r.Output, r.InputTokens, r.OutputTokens, r.Cost, r.CounterfactualCost);
}
