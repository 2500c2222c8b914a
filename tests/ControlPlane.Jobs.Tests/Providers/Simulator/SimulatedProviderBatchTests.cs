using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Tests.Providers.Simulator;

public sealed class SimulatedProviderBatchTests : IDisposable
{
    private readonly SimulatorHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _harness.Dispose();

    private static BatchSubmission Submission(int count, string clientReference = "job-1") =>
        new("gpt-4o-mini", clientReference, SimulatorHarness.Items(count));

    private void AdvanceTo(TimeSpan sinceStart) => _harness.Time.SetUtcNow(SimulatorHarness.Start + sinceStart);

    [Fact]
    public async Task Batch_LifeCycle_MovesFromValidatingToCompletedAndStreamsEveryResult()
    {
        // Defaults: a two-minute turnaround inside a ten-minute window.
        var provider = _harness.Provider();
        var submitted = await provider.SubmitBatchAsync(Submission(200), Ct);
        var id = submitted.ProviderBatchId;

        Assert.StartsWith("simbatch_", id, StringComparison.Ordinal);
        Assert.Equal((ProviderBatchState.Validating, "validating", 200, 0, false),
            (submitted.State, submitted.RawStatus, submitted.Total, submitted.Completed, submitted.HasResults));

        AdvanceTo(TimeSpan.FromSeconds(30));
        var early = await provider.GetBatchAsync(id, Ct);
        AdvanceTo(TimeSpan.FromSeconds(80));
        var later = await provider.GetBatchAsync(id, Ct);
        Assert.Equal((ProviderBatchState.InProgress, "in_progress"), (early.State, early.RawStatus));
        Assert.Equal(ProviderBatchState.InProgress, later.State);
        Assert.InRange(early.Completed, 1, 199);
        Assert.InRange(later.Completed, early.Completed + 1, 199);
        Assert.False(later.HasResults);

        AdvanceTo(TimeSpan.FromSeconds(110));
        var finalizing = await provider.GetBatchAsync(id, Ct);
        Assert.Equal((ProviderBatchState.Finalizing, "finalizing", 200), (finalizing.State, finalizing.RawStatus, finalizing.Completed));

        AdvanceTo(TimeSpan.FromMinutes(2));
        var completed = await provider.GetBatchAsync(id, Ct);
        Assert.Equal((ProviderBatchState.Completed, "completed", 200, 0, true),
            (completed.State, completed.RawStatus, completed.Completed, completed.Failed, completed.HasResults));

        var results = await provider.ReadResultsAsync(id, Ct).ToListAsync(Ct);
        Assert.Equal(200, results.Count);
        Assert.Equal(200, results.Select(r => r.CustomId).Distinct().Count());
        Assert.All(results, r =>
        {
            Assert.Equal(BatchItemOutcome.Succeeded, r.Outcome);
            Assert.StartsWith("Simulated answer from openai/gpt-4o-mini", r.Output, StringComparison.Ordinal);
            Assert.NotNull(r.Usage);
            Assert.InRange(r.Usage.OutputTokens, 1, 512);
        });
    }

    [Fact]
    public async Task ReadResultsAsync_ReadTwice_ReturnsIdenticalResults()
    {
        var id = (await _harness.Provider(o => o.BatchItemFailureRate = 0.1).SubmitBatchAsync(Submission(100), Ct)).ProviderBatchId;
        AdvanceTo(TimeSpan.FromMinutes(3));

        var first = await _harness.Provider().ReadResultsAsync(id, Ct).ToListAsync(Ct);
        var second = await _harness.Provider().ReadResultsAsync(id, Ct).ToListAsync(Ct);

        Assert.Equal(first, second, (a, b) => a.CustomId == b.CustomId && a.Outcome == b.Outcome && a.Output == b.Output && a.Usage == b.Usage);
    }

    [Fact]
    public async Task Batch_WithItemFailures_CountsThemAndReturnsErroredItems()
    {
        var provider = _harness.Provider(o => o.BatchItemFailureRate = 0.2);
        var id = (await provider.SubmitBatchAsync(Submission(500), Ct)).ProviderBatchId;

        AdvanceTo(TimeSpan.FromMinutes(2));
        var status = await provider.GetBatchAsync(id, Ct);
        var results = await provider.ReadResultsAsync(id, Ct).ToListAsync(Ct);

        Assert.Equal(ProviderBatchState.Completed, status.State);
        Assert.Equal(500, status.Completed + status.Failed);
        Assert.InRange(status.Failed, 60, 140);
        var errored = results.Where(r => r.Outcome == BatchItemOutcome.Errored).ToList();
        Assert.Equal(status.Failed, errored.Count);
        Assert.Equal(status.Completed, results.Count(r => r.Outcome == BatchItemOutcome.Succeeded));
        Assert.All(errored, r =>
        {
            Assert.Contains(r.ErrorClass, new ProviderErrorClass?[] { ProviderErrorClass.ServerError, ProviderErrorClass.InvalidRequest });
            Assert.False(string.IsNullOrEmpty(r.Error));
            Assert.Null(r.Output);
        });
    }

    [Fact]
    public async Task Batch_WhenStalled_StaysInProgressThenExpiresAtTheWindowWithPartialResults()
    {
        var provider = _harness.Provider(o => o.BatchStallRate = 1);
        var id = (await provider.SubmitBatchAsync(Submission(300), Ct)).ProviderBatchId;

        AdvanceTo(TimeSpan.FromMinutes(3));
        var stalled = await provider.GetBatchAsync(id, Ct);
        AdvanceTo(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59));
        var stillStalled = await provider.GetBatchAsync(id, Ct);
        Assert.Equal(ProviderBatchState.InProgress, stalled.State);
        Assert.Equal(ProviderBatchState.InProgress, stillStalled.State);
        Assert.InRange(stalled.Completed, 30, 240);
        Assert.Equal(stalled.Completed, stillStalled.Completed);

        AdvanceTo(TimeSpan.FromMinutes(10));
        var expired = await provider.GetBatchAsync(id, Ct);
        Assert.Equal((ProviderBatchState.Expired, "expired", stalled.Completed, true),
            (expired.State, expired.RawStatus, expired.Completed, expired.HasResults));
        Assert.NotNull(expired.Error);

        var results = await provider.ReadResultsAsync(id, Ct).ToListAsync(Ct);
        Assert.Equal(300, results.Count);
        Assert.Equal(stalled.Completed, results.Count(r => r.Outcome == BatchItemOutcome.Succeeded));
        Assert.Equal(300 - stalled.Completed, results.Count(r => r.Outcome == BatchItemOutcome.Expired));
    }

    [Fact]
    public async Task Batch_WhenExpiring_IsUnfinishedAfterTurnaroundAndExpiresAtTheWindow()
    {
        var provider = _harness.Provider(o => o.BatchExpiryRate = 1);
        var id = (await provider.SubmitBatchAsync(Submission(300), Ct)).ProviderBatchId;

        AdvanceTo(TimeSpan.FromMinutes(5));
        var halfway = await provider.GetBatchAsync(id, Ct);
        AdvanceTo(TimeSpan.FromMinutes(10));
        var expired = await provider.GetBatchAsync(id, Ct);

        Assert.Equal(ProviderBatchState.InProgress, halfway.State);
        Assert.Equal(ProviderBatchState.Expired, expired.State);
        Assert.InRange(expired.Completed, halfway.Completed + 1, 299);
        var results = await provider.ReadResultsAsync(id, Ct).ToListAsync(Ct);
        Assert.Equal(300 - expired.Completed, results.Count(r => r.Outcome == BatchItemOutcome.Expired));
    }

    [Fact]
    public async Task CancelBatchAsync_IsCancellingThenCancelledKeepingItemsFinishedBefore()
    {
        var provider = _harness.Provider();
        var id = (await provider.SubmitBatchAsync(Submission(200), Ct)).ProviderBatchId;
        AdvanceTo(TimeSpan.FromMinutes(1));

        var cancelling = await provider.CancelBatchAsync(id, Ct);
        Assert.Equal((ProviderBatchState.Cancelling, "cancelling", false), (cancelling.State, cancelling.RawStatus, cancelling.HasResults));
        Assert.InRange(cancelling.Completed, 1, 199);

        AdvanceTo(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(ProviderBatchState.Cancelling, (await provider.GetBatchAsync(id, Ct)).State);

        AdvanceTo(TimeSpan.FromMinutes(5));
        var cancelled = await provider.GetBatchAsync(id, Ct);
        Assert.Equal((ProviderBatchState.Cancelled, "cancelled", cancelling.Completed, true),
            (cancelled.State, cancelled.RawStatus, cancelled.Completed, cancelled.HasResults));

        var again = await provider.CancelBatchAsync(id, Ct);
        Assert.Equal(cancelled, again);

        var results = await provider.ReadResultsAsync(id, Ct).ToListAsync(Ct);
        Assert.Equal(cancelling.Completed, results.Count(r => r.Outcome == BatchItemOutcome.Succeeded));
        Assert.Equal(200 - cancelling.Completed, results.Count(r => r.Outcome == BatchItemOutcome.Cancelled));
    }

    [Fact]
    public async Task CancelBatchAsync_OnCompletedBatch_ChangesNothing()
    {
        var provider = _harness.Provider();
        var id = (await provider.SubmitBatchAsync(Submission(10), Ct)).ProviderBatchId;
        AdvanceTo(TimeSpan.FromMinutes(2));

        var status = await provider.CancelBatchAsync(id, Ct);

        Assert.Equal(ProviderBatchState.Completed, status.State);
        Assert.Equal(ProviderBatchState.Completed, (await provider.GetBatchAsync(id, Ct)).State);
    }

    [Fact]
    public async Task FindBatchAsync_WithClientReference_RecoversTheBatchAfterARestart()
    {
        await _harness.Provider().SubmitBatchAsync(Submission(5, "job-other"), Ct);
        var submitted = await _harness.Provider().SubmitBatchAsync(Submission(5, "job-42"), Ct);

        // A new instance stands for a restarted process: everything it knows comes from the files.
        var restarted = _harness.Provider();
        var found = await restarted.FindBatchAsync("gpt-4o-mini", "job-42", Ct);

        Assert.NotNull(found);
        Assert.Equal(submitted.ProviderBatchId, found.ProviderBatchId);
        Assert.Null(await restarted.FindBatchAsync("gpt-4o-mini", "job-missing", Ct));
        Assert.Null(await restarted.FindBatchAsync("gpt-4o", "job-42", Ct));
        Assert.Null(await _harness.Provider(provider: "anthropic").FindBatchAsync("gpt-4o-mini", "job-42", Ct));
    }

    [Fact]
    public async Task SubmitBatchAsync_With50000Items_WritesOneLinePerItem()
    {
        var provider = _harness.Provider();

        var status = await provider.SubmitBatchAsync(Submission(50_000), Ct);

        Assert.Equal(50_000, status.Total);
        Assert.Equal(50_000, File.ReadLines(_harness.InputFile(status.ProviderBatchId)).Count());
    }

    [Fact]
    public async Task SubmitBatchAsync_OverTheProvidersRequestLimit_IsRejectedAndLeavesNoBatch()
    {
        var provider = _harness.Provider(provider: "sagemaker");

        var error = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitBatchAsync(Submission(10_001), Ct));

        Assert.Equal((ProviderErrorClass.InvalidRequest, 400), (error.ErrorClass, error.StatusCode));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_harness.Root, "simulator")));
    }

    [Theory]
    [InlineData("simbatch_0123456789abcdef0123456789abcdef")]
    [InlineData("batch_abc")]
    [InlineData("../../etc")]
    public async Task GetBatchAsync_WithUnknownId_ThrowsInvalidRequest404(string id)
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => _harness.Provider().GetBatchAsync(id, Ct));

        Assert.Equal((ProviderErrorClass.InvalidRequest, 404), (error.ErrorClass, error.StatusCode));
    }

    [Fact]
    public async Task GetBatchAsync_ForAnotherProvidersBatch_ThrowsNotFound()
    {
        var id = (await _harness.Provider(provider: "openai").SubmitBatchAsync(Submission(3), Ct)).ProviderBatchId;

        var error = await Assert.ThrowsAsync<ProviderException>(() => _harness.Provider(provider: "gemini").GetBatchAsync(id, Ct));

        Assert.Equal(404, error.StatusCode);
    }
}
