using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Tests.Providers.OpenAI;
using ControlPlane.Testing.Loopback;
using ControlPlane.Testing.Providers.Gemini;

namespace ControlPlane.Jobs.Tests.Providers.Gemini;

public sealed class GeminiProviderTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    private static CompletionRequest Request() => new(
        Guid.Parse("6f1c2a57-0000-4000-8000-000000000003"), "gemini-2.5-flash",
        [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "What is the capital of France?")], 64);

    [Fact]
    public async Task Complete_SendsGenerateContentWithApiKeyHeader_ReturnsAnswerAndUsage()
    {
        await using var fake = await FakeGemini.StartAsync();

        var result = await fake.Provider().CompleteAsync(Request(), Token);

        Assert.Equal(("Paris.", new TokenUsage(21, 2), "stop"), (result.Output, result.Usage, result.FinishReason));
        var sent = fake.Server.Single("POST", "/v1beta/models/gemini-2.5-flash:generateContent");
        Assert.Equal(FakeGemini.ApiKey, sent.Header("x-goog-api-key"));
        Assert.DoesNotContain("key=", sent.Query, StringComparison.Ordinal); // the key never travels in the URL
        using var body = JsonDocument.Parse(sent.Body);
        var content = Assert.Single(body.RootElement.GetProperty("contents").EnumerateArray());
        Assert.Equal("user", content.GetProperty("role").GetString());
        Assert.Equal("What is the capital of France?", content.GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal("You are terse.", body.RootElement.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(64, body.RootElement.GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32());
    }

    public static TheoryData<int, string, string?, ProviderErrorClass, double?> Errors => new()
    {
        { 429, """{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]}}""", null, ProviderErrorClass.RateLimited, 12 },
        { 503, """{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""", "retry-after=4", ProviderErrorClass.ServerError, 4 },
        { 500, """{"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}}""", null, ProviderErrorClass.ServerError, null },
        { 504, """{"error":{"code":504,"message":"Deadline expired before operation could complete.","status":"DEADLINE_EXCEEDED"}}""", null, ProviderErrorClass.Timeout, null },
        { 400, """{"error":{"code":400,"message":"* GenerateContentRequest.contents: contents is not specified","status":"INVALID_ARGUMENT"}}""", null, ProviderErrorClass.InvalidRequest, null },
        { 403, """{"error":{"code":403,"message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}}""", null, ProviderErrorClass.Authentication, null },
        { 404, """{"error":{"code":404,"message":"models/gemini-9 is not found for API version v1beta","status":"NOT_FOUND"}}""", null, ProviderErrorClass.InvalidRequest, null },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Complete_ErrorAnswer_ThrowsItsErrorClassAndRetryAfter(int status, string body, string? header, ProviderErrorClass expected, double? retryAfterSeconds)
    {
        await using var fake = await FakeGemini.StartAsync();
        fake.Generate = () => new RawResult(status, body, header);

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider().CompleteAsync(Request(), Token));

        Assert.Equal((expected, status), (error.ErrorClass, error.StatusCode));
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
    }

    [Fact]
    public async Task Complete_ProviderSlowerThanTimeout_IsTimeout()
    {
        await using var fake = await FakeGemini.StartAsync();
        fake.GenerateDelay = TimeSpan.FromSeconds(4);

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider(timeout: "00:00:01").CompleteAsync(Request(), Token));

        Assert.Equal(ProviderErrorClass.Timeout, error.ErrorClass);
    }

    [Fact]
    public async Task Complete_CallerCancels_IsCancellationNotAProviderError()
    {
        await using var fake = await FakeGemini.StartAsync();
        fake.GenerateDelay = TimeSpan.FromSeconds(4);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fake.Provider().CompleteAsync(Request(), cancel.Token));
    }

    [Fact]
    public async Task Batch_FullLifeCycle_SendsInlineRequestsAndReadsResponsesByKey()
    {
        await using var fake = await FakeGemini.StartAsync();
        var provider = fake.Provider();

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-42", OpenAIProviderTests.Items(3)), Token);

        Assert.Equal((ProviderBatchState.Validating, "BATCH_STATE_PENDING", 3), (submitted.State, submitted.RawStatus, submitted.Total));
        var sent = fake.Server.Single("POST", "/v1beta/models/gemini-2.5-flash:batchGenerateContent");
        Assert.Equal(FakeGemini.ApiKey, sent.Header("x-goog-api-key"));
        using (var body = JsonDocument.Parse(sent.Body))
        {
            var batch = body.RootElement.GetProperty("batch");
            Assert.Equal("controlplane-job-42", batch.GetProperty("displayName").GetString());
            var requests = batch.GetProperty("inputConfig").GetProperty("requests").GetProperty("requests").EnumerateArray().ToList();
            Assert.Equal(["req-0", "req-1", "req-2"], requests.Select(r => r.GetProperty("metadata").GetProperty("key").GetString()));
            Assert.Equal("Question 1", requests[1].GetProperty("request").GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        }

        fake.Advance(submitted.ProviderBatchId, "BATCH_STATE_RUNNING", succeeded: 1, failed: 1);
        var running = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.InProgress, 3, 1, 1, false), (running.State, running.Total, running.Completed, running.Failed, running.HasResults));
        Assert.Empty(await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token));

        fake.Advance(submitted.ProviderBatchId, "BATCH_STATE_SUCCEEDED", succeeded: 2, failed: 1,
        [
            FakeGemini.Succeeded("req-0", "Zero.", 10, 3),
            FakeGemini.Failed("req-1", 3, "Request contains an invalid argument."),
            FakeGemini.Succeeded("req-2", "Two.", 11, 4),
        ]);
        var done = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Completed, 3, 2, 1, true), (done.State, done.Total, done.Completed, done.Failed, done.HasResults));
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal(new BatchResultItem("req-0", BatchItemOutcome.Succeeded, "Zero.", new TokenUsage(10, 3), null, null), results[0]);
        Assert.Equal(("req-1", BatchItemOutcome.Errored, ProviderErrorClass.InvalidRequest), (results[1].CustomId, results[1].Outcome, results[1].ErrorClass));
        Assert.Equal(new BatchResultItem("req-2", BatchItemOutcome.Succeeded, "Two.", new TokenUsage(11, 4), null, null), results[2]);

        Assert.Equal(submitted.ProviderBatchId, (await provider.FindBatchAsync("gemini-2.5-flash", "job-42", Token))?.ProviderBatchId);
        Assert.Null(await provider.FindBatchAsync("gemini-2.5-flash", "job-43", Token));
    }

    [Fact]
    public async Task Batch_Expired_KeepsTheResponsesItHas()
    {
        await using var fake = await FakeGemini.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-7", OpenAIProviderTests.Items(3)), Token);

        fake.Advance(submitted.ProviderBatchId, "BATCH_STATE_EXPIRED", succeeded: 1, failed: 0, [FakeGemini.Succeeded("req-1", "One.", 9, 2)]);

        var status = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Expired, 3, 1, true), (status.State, status.Total, status.Completed, status.HasResults));
        var result = Assert.Single(await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token));
        Assert.Equal(("req-1", BatchItemOutcome.Succeeded, "One."), (result.CustomId, result.Outcome, result.Output));
    }

    [Fact]
    public async Task Batch_Cancel_CallsCancelOnceAndReportsCancelled()
    {
        await using var fake = await FakeGemini.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-9", OpenAIProviderTests.Items(2)), Token);

        var cancelled = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);
        await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);

        Assert.Equal((ProviderBatchState.Cancelled, "BATCH_STATE_CANCELLED"), (cancelled.State, cancelled.RawStatus));
        fake.Server.Single("POST", $"/v1beta/batches/{submitted.ProviderBatchId}:cancel");
    }

    [Fact]
    public async Task Batch_OverTheInlineLimit_UploadsJsonlThroughTheFileApi_AndNamesTheFileInTheBatch()
    {
        await using var fake = await FakeGemini.StartAsync();
        var provider = fake.Provider(maxInlineBatchBytes: 1024);

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-77", OpenAIProviderTests.Items(12)), Token);

        Assert.Equal((ProviderBatchState.Validating, 12), (submitted.State, submitted.Total));
        var uploads = fake.Server.Requests.Where(r => r.Method == "POST" && r.Path == "/upload/v1beta/files").ToList();
        Assert.Equal(2, uploads.Count);
        var (start, bytes) = (uploads[0], uploads[1]);
        Assert.Equal(("resumable", "start", "application/jsonl", FakeGemini.ApiKey),
            (start.Header("X-Goog-Upload-Protocol"), start.Header("X-Goog-Upload-Command"), start.Header("X-Goog-Upload-Header-Content-Type"), start.Header("x-goog-api-key")));
        Assert.Equal(bytes.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), start.Header("X-Goog-Upload-Header-Content-Length"));
        using (var metadata = JsonDocument.Parse(start.Body))
        {
            Assert.Equal("controlplane-job-77-input", metadata.RootElement.GetProperty("file").GetProperty("displayName").GetString());
        }
        Assert.Equal(("upload, finalize", "0"), (bytes.Header("X-Goog-Upload-Command"), bytes.Header("X-Goog-Upload-Offset")));
        Assert.Contains("upload_id=", bytes.Query, StringComparison.Ordinal);
        Assert.True(bytes.Body.Length > 1024, "the JSONL is what was over the inline limit");
        var lines = bytes.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"req-{i}"), lines.Select(l => l.GetProperty("key").GetString()));
        Assert.Equal("Question 5", lines[5].GetProperty("request").GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(32, lines[5].GetProperty("request").GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32());

        var fileName = Assert.Single(fake.Files.Keys);
        var create = fake.Server.Single("POST", "/v1beta/models/gemini-2.5-flash:batchGenerateContent");
        using (var body = JsonDocument.Parse(create.Body))
        {
            var batch = body.RootElement.GetProperty("batch");
            Assert.Equal("controlplane-job-77", batch.GetProperty("displayName").GetString());
            Assert.Equal(fileName, batch.GetProperty("inputConfig").GetProperty("fileName").GetString());
            Assert.False(batch.GetProperty("inputConfig").TryGetProperty("requests", out _));
        }
        // A lost create answer is still found by the display name.
        Assert.Equal(submitted.ProviderBatchId, (await provider.FindBatchAsync("gemini-2.5-flash", "job-77", Token))?.ProviderBatchId);
    }

    [Fact]
    public async Task Batch_UnderTheInlineLimit_StaysInlineWithoutAnUpload()
    {
        await using var fake = await FakeGemini.StartAsync();
        var provider = fake.Provider(maxInlineBatchBytes: 1024);

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-78", OpenAIProviderTests.Items(3)), Token);

        Assert.Equal(3, submitted.Total);
        Assert.DoesNotContain(fake.Server.Requests, r => r.Path.StartsWith("/upload/", StringComparison.Ordinal));
        Assert.Empty(fake.Files);
        var create = fake.Server.Single("POST", "/v1beta/models/gemini-2.5-flash:batchGenerateContent");
        Assert.True(create.Body.Length <= 1024, $"the inline body ({create.Body.Length} bytes) keeps to the inline limit");
        using var body = JsonDocument.Parse(create.Body);
        var requests = body.RootElement.GetProperty("batch").GetProperty("inputConfig").GetProperty("requests").GetProperty("requests").EnumerateArray().ToList();
        Assert.Equal(["req-0", "req-1", "req-2"], requests.Select(r => r.GetProperty("metadata").GetProperty("key").GetString()));
        Assert.Equal("Question 2", requests[2].GetProperty("request").GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString());
    }
}
