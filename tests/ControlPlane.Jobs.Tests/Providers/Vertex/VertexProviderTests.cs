using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Tests.Providers.OpenAI;
using ControlPlane.Testing.Loopback;
using ControlPlane.Testing.Providers.Vertex;

namespace ControlPlane.Jobs.Tests.Providers.Vertex;

public sealed class VertexProviderTests
{
    private const string Jobs = $"/v1/projects/{FakeVertex.Project}/locations/{FakeVertex.Location}/batchPredictionJobs";
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    private static CompletionRequest Request() => new(
        Guid.Parse("6f1c2a57-0000-4000-8000-000000000004"), "gemini-2.5-flash",
        [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "What is the capital of France?")], 64);

    [Fact]
    public async Task Complete_ExchangesServiceAccountForBearerToken_SendsGenerateContentToRegionalPath()
    {
        await using var fake = await FakeVertex.StartAsync();

        var result = await fake.Provider().CompleteAsync(Request(), Token);

        Assert.Equal(("Paris.", new TokenUsage(21, 2), "stop"), (result.Output, result.Usage, result.FinishReason));
        fake.Server.Single("POST", "/token");
        var sent = fake.Server.Single("POST", $"/v1/projects/{FakeVertex.Project}/locations/{FakeVertex.Location}/publishers/google/models/gemini-2.5-flash:generateContent");
        Assert.Equal($"Bearer {FakeVertex.AccessToken}", sent.Header("Authorization"));
        using var body = JsonDocument.Parse(sent.Body);
        var content = Assert.Single(body.RootElement.GetProperty("contents").EnumerateArray());
        Assert.Equal("What is the capital of France?", content.GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal("You are terse.", body.RootElement.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(64, body.RootElement.GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32());
    }

    [Fact]
    public async Task Complete_TwoCalls_ReuseTheCachedAccessToken()
    {
        await using var fake = await FakeVertex.StartAsync();
        var provider = fake.Provider();

        await provider.CompleteAsync(Request(), Token);
        await provider.CompleteAsync(Request(), Token);

        fake.Server.Single("POST", "/token");
    }

    [Fact]
    public async Task Complete_ResourceExhaustedWithRetryInfo_IsRateLimitedWithItsDelay()
    {
        await using var fake = await FakeVertex.StartAsync();
        fake.Generate = () => new RawResult(429,
            """{"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_model.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"17s"}]}}""");

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider().CompleteAsync(Request(), Token));

        Assert.Equal((ProviderErrorClass.RateLimited, 429, TimeSpan.FromSeconds(17)), (error.ErrorClass, error.StatusCode, error.RetryAfter));
    }

    [Fact]
    public async Task Batch_FullLifeCycle_UploadsJsonlCreatesJobAndReadsRowsByKey()
    {
        await using var fake = await FakeVertex.StartAsync();
        var provider = fake.Provider();

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-42", OpenAIProviderTests.Items(3)), Token);

        Assert.Equal((ProviderBatchState.Validating, "JOB_STATE_PENDING", 3, false), (submitted.State, submitted.RawStatus, submitted.Total, submitted.HasResults));
        var upload = fake.Server.Single("POST", $"/upload/storage/v1/b/{FakeVertex.Bucket}/o");
        Assert.Contains("uploadType=media", upload.Query, StringComparison.Ordinal);
        Assert.Equal($"Bearer {FakeVertex.AccessToken}", upload.Header("Authorization"));
        var lines = Encoding.UTF8.GetString(fake.Objects["controlplane/job-42/input.jsonl"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["req-0", "req-1", "req-2"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()));
        Assert.Equal("Question 1", JsonDocument.Parse(lines[1]).RootElement.GetProperty("request").GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        using (var body = JsonDocument.Parse(fake.Server.Single("POST", Jobs).Body))
        {
            var job = body.RootElement;
            Assert.Equal(("controlplane-job-42", "publishers/google/models/gemini-2.5-flash"), (job.GetProperty("displayName").GetString(), job.GetProperty("model").GetString()));
            Assert.Equal("jsonl", job.GetProperty("inputConfig").GetProperty("instancesFormat").GetString());
            Assert.Equal($"gs://{FakeVertex.Bucket}/controlplane/job-42/input.jsonl", job.GetProperty("inputConfig").GetProperty("gcsSource").GetProperty("uris")[0].GetString());
            Assert.Equal($"gs://{FakeVertex.Bucket}/controlplane/job-42/output", job.GetProperty("outputConfig").GetProperty("gcsDestination").GetProperty("outputUriPrefix").GetString());
        }

        fake.Advance(submitted.ProviderBatchId, "JOB_STATE_RUNNING", succeeded: 1, failed: 0, incomplete: 2);
        var running = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.InProgress, 3, 1, 0, false), (running.State, running.Total, running.Completed, running.Failed, running.HasResults));
        Assert.Empty(await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token));

        fake.Advance(submitted.ProviderBatchId, "JOB_STATE_SUCCEEDED", succeeded: 2, failed: 1, rows:
        [
            FakeVertex.Succeeded("req-2", "Two.", 11, 4),
            FakeVertex.Failed("req-1", "Bad Request: {\"error\": {\"code\": 400, \"message\": \"Request contains an invalid argument.\", \"status\": \"INVALID_ARGUMENT\"}}"),
            FakeVertex.Succeeded("req-0", "Zero.", 10, 3),
        ]);
        var done = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Completed, 3, 2, 1, true), (done.State, done.Total, done.Completed, done.Failed, done.HasResults));
        var results = (await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token)).ToDictionary(r => r.CustomId);
        Assert.Equal(3, results.Count);
        Assert.Equal(new BatchResultItem("req-0", BatchItemOutcome.Succeeded, "Zero.", new TokenUsage(10, 3), null, null), results["req-0"]);
        Assert.Equal((BatchItemOutcome.Errored, ProviderErrorClass.InvalidRequest), (results["req-1"].Outcome, results["req-1"].ErrorClass));
        Assert.Equal(new BatchResultItem("req-2", BatchItemOutcome.Succeeded, "Two.", new TokenUsage(11, 4), null, null), results["req-2"]);
    }

    [Theory]
    [InlineData("JOB_STATE_PARTIALLY_SUCCEEDED", ProviderBatchState.Completed)]
    [InlineData("JOB_STATE_EXPIRED", ProviderBatchState.Expired)]
    public async Task Batch_EndedWithSomeRowsUndone_ReportsCountsAndReadsTheRowsItHas(string state, ProviderBatchState expected)
    {
        await using var fake = await FakeVertex.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-7", OpenAIProviderTests.Items(4)), Token);

        fake.Advance(submitted.ProviderBatchId, state, succeeded: 1, failed: 1, incomplete: 2, rows:
            [FakeVertex.Succeeded("req-3", "Three.", 9, 2), FakeVertex.Failed("req-0", "RESOURCE_EXHAUSTED: Quota exceeded.")]);
        Assert.Contains("\"labels\":{\"controlplane_key\":\"req-3\"}", Encoding.UTF8.GetString(fake.Objects["controlplane/job-7/input.jsonl"]), StringComparison.Ordinal);

        var status = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((expected, state, 4, 1, 1, true), (status.State, status.RawStatus, status.Total, status.Completed, status.Failed, status.HasResults));
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal(2, results.Count);
        Assert.Equal(("req-3", BatchItemOutcome.Succeeded, "Three."), (results[0].CustomId, results[0].Outcome, results[0].Output));
        Assert.Equal(("req-0", BatchItemOutcome.Errored, ProviderErrorClass.RateLimited), (results[1].CustomId, results[1].Outcome, results[1].ErrorClass));
    }

    [Fact]
    public async Task ReadResults_RowWithoutTopLevelKey_IsMatchedByTheEchoedRequestLabel()
    {
        await using var fake = await FakeVertex.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-8", OpenAIProviderTests.Items(1)), Token);

        fake.Advance(submitted.ProviderBatchId, "JOB_STATE_SUCCEEDED", succeeded: 1, failed: 0, rows: [FakeVertex.SucceededLabelOnly("req-0", "Zero.")]);

        var result = Assert.Single(await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token));
        Assert.Equal(("req-0", BatchItemOutcome.Succeeded, "Zero."), (result.CustomId, result.Outcome, result.Output));
    }

    [Fact]
    public async Task Batch_Cancel_CallsCancelOnceAndReportsCancelling()
    {
        await using var fake = await FakeVertex.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-9", OpenAIProviderTests.Items(2)), Token);

        var cancelling = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);
        var again = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);

        Assert.Equal((ProviderBatchState.Cancelling, "JOB_STATE_CANCELLING"), (cancelling.State, cancelling.RawStatus));
        Assert.Equal(ProviderBatchState.Cancelling, again.State);
        fake.Server.Single("POST", $"{Jobs}/{submitted.ProviderBatchId}:cancel");
        fake.Advance(submitted.ProviderBatchId, "JOB_STATE_CANCELLED", succeeded: 0, failed: 0, incomplete: 2);
        Assert.Equal(ProviderBatchState.Cancelled, (await provider.GetBatchAsync(submitted.ProviderBatchId, Token)).State);
    }

    [Fact]
    public async Task FindBatch_ByClientReferenceAndModel_FindsOnlyThatJob()
    {
        await using var fake = await FakeVertex.StartAsync();
        var provider = fake.Provider();
        var first = await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-1", OpenAIProviderTests.Items(1)), Token);
        await provider.SubmitBatchAsync(new BatchSubmission("gemini-2.5-flash", "job-2", OpenAIProviderTests.Items(1)), Token);

        Assert.Equal(first.ProviderBatchId, (await provider.FindBatchAsync("gemini-2.5-flash", "job-1", Token))?.ProviderBatchId);
        Assert.Null(await provider.FindBatchAsync("gemini-2.5-pro", "job-1", Token));
        Assert.Null(await provider.FindBatchAsync("gemini-2.5-flash", "job-3", Token));
        Assert.Contains("filter=display_name", fake.Server.Requests.First(r => r.Method == "GET" && r.Path == Jobs).Query, StringComparison.Ordinal);
    }
}
