using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Testing.Loopback;
using ControlPlane.Testing.Providers.OpenAI;

namespace ControlPlane.Jobs.Tests.Providers.OpenAI;

public sealed class OpenAIProviderTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    private static CompletionRequest Request(int? maxOutputTokens = 64) => new(
        Guid.Parse("6f1c2a57-0000-4000-8000-000000000001"), "gpt-4o-mini",
        [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "What is the capital of France?")], maxOutputTokens);

    internal static IAsyncEnumerable<BatchItem> Items(int count) => Enumerable.Range(0, count)
        .Select(i => new BatchItem($"req-{i}", [new ChatMessage(ChatRole.User, $"Question {i}")], 32))
        .ToAsyncEnumerable();

    [Fact]
    public async Task Complete_SendsChatCompletionWithBearerKey_ReturnsAnswerAndUsage()
    {
        await using var fake = await FakeOpenAI.StartAsync();

        var result = await fake.Provider().CompleteAsync(Request(), Token);

        Assert.Equal("Paris.", result.Output);
        Assert.Equal(new TokenUsage(21, 2), result.Usage);
        Assert.Equal("stop", result.FinishReason);
        var sent = fake.Server.Single("POST", "/v1/chat/completions");
        Assert.Equal($"Bearer {FakeOpenAI.ApiKey}", sent.Header("Authorization"));
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("gpt-4o-mini", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(64, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("What is the capital of France?", messages[1].GetProperty("content").GetString());
    }

    public static TheoryData<int, string, string?, ProviderErrorClass, double?> Errors => new()
    {
        { 429, """{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}""", "retry-after-ms=1500", ProviderErrorClass.RateLimited, 1.5 },
        { 429, """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", null, ProviderErrorClass.QuotaExhausted, null },
        { 401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""", null, ProviderErrorClass.Authentication, null },
        { 400, """{"error":{"message":"'messages' must contain at least one message","type":"invalid_request_error","param":"messages","code":null}}""", null, ProviderErrorClass.InvalidRequest, null },
        { 500, """{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}""", null, ProviderErrorClass.ServerError, null },
        { 503, """{"error":{"message":"The engine is currently overloaded","type":"server_error","param":null,"code":null}}""", "retry-after=3", ProviderErrorClass.ServerError, 3 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Complete_ErrorAnswer_ThrowsItsErrorClassAndRetryAfter(int status, string body, string? header, ProviderErrorClass expected, double? retryAfterSeconds)
    {
        await using var fake = await FakeOpenAI.StartAsync();
        fake.Chat = () => new RawResult(status, body, header);

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider().CompleteAsync(Request(), Token));

        Assert.Equal(expected, error.ErrorClass);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
        Assert.Single(fake.Server.Requests); // no hidden SDK retries: the executor owns retrying
    }

    [Fact]
    public async Task Complete_ProviderSlowerThanTimeout_IsTimeout()
    {
        await using var fake = await FakeOpenAI.StartAsync();
        fake.ChatDelay = TimeSpan.FromSeconds(4);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            fake.Provider(s => s["ControlPlane:Providers:OpenAI:Timeout"] = "00:00:01").CompleteAsync(Request(), Token));

        Assert.Equal(ProviderErrorClass.Timeout, error.ErrorClass);
    }

    [Fact]
    public async Task Batch_FullLifeCycle_UploadsJsonlCreatesBatchAndReadsEveryResult()
    {
        await using var fake = await FakeOpenAI.StartAsync();
        var provider = fake.Provider();

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gpt-4o-mini", "job-42", Items(3)), Token);

        Assert.Equal(ProviderBatchState.Validating, submitted.State);
        Assert.Equal(3, submitted.Total);
        var input = fake.File(fake.Batch(submitted.ProviderBatchId)["input_file_id"]!.GetValue<string>());
        Assert.Equal("batch", input.Purpose);
        var lines = input.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["req-0", "req-1", "req-2"], lines.Select(l => l.GetProperty("custom_id").GetString()));
        Assert.All(lines, l => Assert.Equal("/v1/chat/completions", l.GetProperty("url").GetString()));
        Assert.All(lines, l => Assert.Equal("gpt-4o-mini", l.GetProperty("body").GetProperty("model").GetString()));
        Assert.Equal("job-42", fake.Batch(submitted.ProviderBatchId)["metadata"]!["controlplane_ref"]!.GetValue<string>());

        fake.Advance(submitted.ProviderBatchId, "in_progress", completed: 1, failed: 0);
        var running = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.InProgress, 3, 1, 0, false), (running.State, running.Total, running.Completed, running.Failed, running.HasResults));

        fake.Advance(submitted.ProviderBatchId, "finalizing", completed: 2, failed: 1);
        Assert.Equal(ProviderBatchState.Finalizing, (await provider.GetBatchAsync(submitted.ProviderBatchId, Token)).State);

        fake.Advance(submitted.ProviderBatchId, "completed", completed: 2, failed: 1,
            outputLines: [FakeOpenAI.OutputLine("req-0", "Zero.", 10, 3), FakeOpenAI.OutputLine("req-2", "Two.", 11, 4)],
            errorLines: [FakeOpenAI.FailedLine("req-1", 400, "invalid_request_error", "max_completion_tokens is too large")]);
        var done = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Completed, "completed", 3, 2, 1, true), (done.State, done.RawStatus, done.Total, done.Completed, done.Failed, done.HasResults));

        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal(3, results.Count);
        Assert.Equal(new BatchResultItem("req-0", BatchItemOutcome.Succeeded, "Zero.", new TokenUsage(10, 3), null, null), results[0]);
        Assert.Equal(new BatchResultItem("req-2", BatchItemOutcome.Succeeded, "Two.", new TokenUsage(11, 4), null, null), results[1]);
        Assert.Equal((BatchItemOutcome.Errored, ProviderErrorClass.InvalidRequest), (results[2].Outcome, results[2].ErrorClass));

        var found = await provider.FindBatchAsync("gpt-4o-mini", "job-42", Token);
        Assert.Equal(submitted.ProviderBatchId, found?.ProviderBatchId);
        Assert.Null(await provider.FindBatchAsync("gpt-4o-mini", "job-43", Token));
    }

    [Fact]
    public async Task Batch_Expired_KeepsCompletedLinesAndReportsTheRestExpired()
    {
        await using var fake = await FakeOpenAI.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gpt-4o-mini", "job-7", Items(3)), Token);

        fake.Advance(submitted.ProviderBatchId, "expired", completed: 1, failed: 0,
            outputLines: [FakeOpenAI.OutputLine("req-1", "One.", 9, 2)],
            errorLines:
            [
                FakeOpenAI.BatchErrorLine("req-0", "batch_expired", "This request could not be executed before the completion window expired."),
                FakeOpenAI.BatchErrorLine("req-2", "batch_expired", "This request could not be executed before the completion window expired."),
            ]);

        var status = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Expired, 1, true), (status.State, status.Completed, status.HasResults));
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([("req-1", BatchItemOutcome.Succeeded), ("req-0", BatchItemOutcome.Expired), ("req-2", BatchItemOutcome.Expired)],
            results.Select(r => (r.CustomId, r.Outcome)));
    }

    [Fact]
    public async Task Batch_Cancel_AsksOnceThenReportsCancelledItems()
    {
        await using var fake = await FakeOpenAI.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gpt-4o-mini", "job-9", Items(2)), Token);
        fake.Advance(submitted.ProviderBatchId, "in_progress", completed: 1, failed: 0);

        var cancelling = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);
        var again = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);

        Assert.Equal(ProviderBatchState.Cancelling, cancelling.State);
        Assert.Equal(ProviderBatchState.Cancelling, again.State);
        fake.Server.Single("POST", $"/v1/batches/{submitted.ProviderBatchId}/cancel");

        fake.Advance(submitted.ProviderBatchId, "cancelled", completed: 1, failed: 0,
            outputLines: [FakeOpenAI.OutputLine("req-0", "Zero.", 5, 1)],
            errorLines: [FakeOpenAI.BatchErrorLine("req-1", "batch_cancelled", "The batch was cancelled before this request ran.")]);
        Assert.Equal(ProviderBatchState.Cancelled, (await provider.GetBatchAsync(submitted.ProviderBatchId, Token)).State);
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([BatchItemOutcome.Succeeded, BatchItemOutcome.Cancelled], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task GetBatch_UnknownId_IsInvalidRequest()
    {
        await using var fake = await FakeOpenAI.StartAsync();

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider().GetBatchAsync("batch_missing", Token));

        Assert.Equal((ProviderErrorClass.InvalidRequest, 404), (error.ErrorClass, error.StatusCode));
    }
}
