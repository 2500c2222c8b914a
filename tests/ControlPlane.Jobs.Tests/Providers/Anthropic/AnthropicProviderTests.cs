using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Tests.Providers.OpenAI;
using ControlPlane.Testing.Loopback;
using ControlPlane.Testing.Providers.Anthropic;

namespace ControlPlane.Jobs.Tests.Providers.Anthropic;

public sealed class AnthropicProviderTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    private static CompletionRequest Request() => new(
        Guid.Parse("6f1c2a57-0000-4000-8000-000000000002"), "claude-sonnet-4-5",
        [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "What is the capital of France?")], 64);

    [Fact]
    public async Task Complete_SendsMessagesRequestWithApiKey_ReturnsAnswerAndUsage()
    {
        await using var fake = await FakeAnthropic.StartAsync();

        var result = await fake.Provider().CompleteAsync(Request(), Token);

        Assert.Equal(("Paris.", new TokenUsage(21, 2), "end_turn"), (result.Output, result.Usage, result.FinishReason));
        var sent = fake.Server.Single("POST", "/v1/messages");
        // SDK 13.x sends the API key as a bearer token (its documented behaviour); the batch calls use x-api-key.
        Assert.Equal($"Bearer {FakeAnthropic.ApiKey}", sent.Header("Authorization"));
        Assert.NotNull(sent.Header("anthropic-version"));
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("claude-sonnet-4-5", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(64, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal("You are terse.", body.RootElement.GetProperty("system").GetString());
        var message = Assert.Single(body.RootElement.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Contains("capital of France", message.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<int, string, string?, ProviderErrorClass, double?> Errors => new()
    {
        { 429, "rate_limit_error", "retry-after=7", ProviderErrorClass.RateLimited, 7 },
        { 529, "overloaded_error", null, ProviderErrorClass.Overloaded, null },
        { 402, "billing_error", null, ProviderErrorClass.QuotaExhausted, null },
        { 401, "authentication_error", null, ProviderErrorClass.Authentication, null },
        { 403, "permission_error", null, ProviderErrorClass.Authentication, null },
        { 400, "invalid_request_error", null, ProviderErrorClass.InvalidRequest, null },
        { 404, "not_found_error", null, ProviderErrorClass.InvalidRequest, null },
        { 500, "api_error", null, ProviderErrorClass.ServerError, null },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Complete_ErrorAnswer_ThrowsItsErrorClassAndRetryAfter(int status, string type, string? header, ProviderErrorClass expected, double? retryAfterSeconds)
    {
        await using var fake = await FakeAnthropic.StartAsync();
        fake.Messages = () => new RawResult(status, $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Simulated {{{type}}}"}}""", header);

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider().CompleteAsync(Request(), Token));

        Assert.Equal((expected, status), (error.ErrorClass, error.StatusCode));
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
        Assert.Single(fake.Server.Requests); // the SDK's own retries are off
    }

    [Fact]
    public async Task Batch_FullLifeCycle_TagsCustomIdsAndReadsEveryResult()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var provider = fake.Provider();

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-42", OpenAIProviderTests.Items(3)), Token);

        Assert.Equal((ProviderBatchState.InProgress, "in_progress", 3, 0, false), (submitted.State, submitted.RawStatus, submitted.Total, submitted.Completed, submitted.HasResults));
        Assert.Equal(FakeAnthropic.ApiKey, fake.Server.Single("POST", "/v1/messages/batches").Header("x-api-key"));
        var sent = fake.InputCustomIds(submitted.ProviderBatchId);
        Assert.Equal(3, sent.Count);
        Assert.All(sent, id => Assert.Matches("^[0-9a-f]{12}_req-[0-9]$", id));
        var tag = sent[0][..13];

        fake.Advance(submitted.ProviderBatchId, "in_progress", processing: 1, succeeded: 1, errored: 1, canceled: 0, expired: 0);
        var running = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.InProgress, 3, 1, 1, false), (running.State, running.Total, running.Completed, running.Failed, running.HasResults));
        Assert.Empty(await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token));

        fake.Advance(submitted.ProviderBatchId, "ended", processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0,
        [
            FakeAnthropic.Succeeded(tag + "req-2", "Two.", 11, 4),
            FakeAnthropic.Errored(tag + "req-1", "invalid_request_error", "max_tokens: too large"),
            FakeAnthropic.Succeeded(tag + "req-0", "Zero.", 10, 3),
        ]);
        var done = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Completed, "ended", 3, 2, 1, true), (done.State, done.RawStatus, done.Total, done.Completed, done.Failed, done.HasResults));

        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal(new BatchResultItem("req-2", BatchItemOutcome.Succeeded, "Two.", new TokenUsage(11, 4), null, null), results[0]);
        Assert.Equal(("req-1", BatchItemOutcome.Errored, ProviderErrorClass.InvalidRequest), (results[1].CustomId, results[1].Outcome, results[1].ErrorClass));
        Assert.Equal(new BatchResultItem("req-0", BatchItemOutcome.Succeeded, "Zero.", new TokenUsage(10, 3), null, null), results[2]);

        Assert.Equal(submitted.ProviderBatchId, (await provider.FindBatchAsync("claude-sonnet-4-5", "job-42", Token))?.ProviderBatchId);
        Assert.Null(await provider.FindBatchAsync("claude-sonnet-4-5", "job-43", Token));
    }

    [Fact]
    public async Task Batch_EndedWithExpiredItems_IsExpiredAndKeepsSucceededResults()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-7", OpenAIProviderTests.Items(3)), Token);
        var tag = fake.InputCustomIds(submitted.ProviderBatchId)[0][..13];

        fake.Advance(submitted.ProviderBatchId, "ended", processing: 0, succeeded: 1, errored: 0, canceled: 0, expired: 2,
            [FakeAnthropic.Succeeded(tag + "req-1", "One.", 9, 2), FakeAnthropic.Ended(tag + "req-0", "expired"), FakeAnthropic.Ended(tag + "req-2", "expired")]);

        var status = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Expired, 3, 1, 0), (status.State, status.Total, status.Completed, status.Failed));
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([("req-1", BatchItemOutcome.Succeeded), ("req-0", BatchItemOutcome.Expired), ("req-2", BatchItemOutcome.Expired)],
            results.Select(r => (r.CustomId, r.Outcome)));
    }

    [Fact]
    public async Task Batch_Cancel_GoesThroughCancelingToCancelledItems()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-9", OpenAIProviderTests.Items(2)), Token);
        var tag = fake.InputCustomIds(submitted.ProviderBatchId)[0][..13];

        var canceling = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);
        await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);

        Assert.Equal((ProviderBatchState.Cancelling, "canceling"), (canceling.State, canceling.RawStatus));
        fake.Server.Single("POST", $"/v1/messages/batches/{submitted.ProviderBatchId}/cancel");
        fake.Advance(submitted.ProviderBatchId, "ended", processing: 0, succeeded: 1, errored: 0, canceled: 1, expired: 0,
            [FakeAnthropic.Succeeded(tag + "req-0", "Zero.", 5, 1), FakeAnthropic.Ended(tag + "req-1", "canceled")]);
        Assert.Equal(ProviderBatchState.Cancelled, (await provider.GetBatchAsync(submitted.ProviderBatchId, Token)).State);
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([BatchItemOutcome.Succeeded, BatchItemOutcome.Cancelled], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Find_InProgressBatch_IsFoundThroughTheSubmissionJournal()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-5", OpenAIProviderTests.Items(2)), Token);

        var found = await provider.FindBatchAsync("claude-sonnet-4-5", "job-5", Token);

        Assert.Equal((submitted.ProviderBatchId, ProviderBatchState.InProgress), (found?.ProviderBatchId, found?.State));
    }

    [Fact]
    public async Task Find_AnswerLostAfterAnthropicAccepted_RecoversTheBatchOnce()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var provider = fake.Provider();
        await provider.SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-other", OpenAIProviderTests.Items(2)), Token);
        fake.LoseCreateAnswer = true;

        var lost = await Assert.ThrowsAsync<ProviderException>(() =>
            provider.SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-6", OpenAIProviderTests.Items(2)), Token));
        var found = await provider.FindBatchAsync("claude-sonnet-4-5", "job-6", Token);

        Assert.Equal(ProviderErrorClass.ServerError, lost.ErrorClass);
        // Two batches of two requests exist; the one already claimed by job-other is not handed out again.
        Assert.Equal("msgbatch_0002", found?.ProviderBatchId);
        Assert.Null(await provider.FindBatchAsync("claude-sonnet-4-5", "job-never-submitted", Token));
    }

    [Fact]
    public async Task Submit_CustomIdTooLongForAnthropic_IsRejectedBeforeAnyCall()
    {
        await using var fake = await FakeAnthropic.StartAsync();
        var items = new[] { new BatchItem(new string('x', 60), [new ChatMessage(ChatRole.User, "Hi")], 16) }.ToAsyncEnumerable();

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            fake.Provider().SubmitBatchAsync(new BatchSubmission("claude-sonnet-4-5", "job-1", items), Token));

        Assert.Equal(ProviderErrorClass.InvalidRequest, error.ErrorClass);
        Assert.Empty(fake.Server.Requests);
    }
}
