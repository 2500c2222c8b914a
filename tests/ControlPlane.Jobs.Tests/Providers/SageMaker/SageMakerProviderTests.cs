using System.Text.Json;
using Amazon.Runtime.Internal.Auth;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Jobs.Tests.Providers.OpenAI;
using ControlPlane.Testing.Loopback;
using ControlPlane.Testing.Providers.SageMaker;

namespace ControlPlane.Jobs.Tests.Providers.SageMaker;

public sealed class SageMakerProviderTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;
    private const string Endpoint = "llama-3-8b-endpoint";

    private static CompletionRequest Request() => new(
        Guid.Parse("6f1c2a57-0000-4000-8000-000000000004"), Endpoint,
        [new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "What is the capital of France?")], 64);

    [Fact]
    public void Signature_AwsPublishedExample_MatchesTheDocumentedSignature()
    {
        // The IAM ListUsers example from the AWS General Reference ("Signature Version 4 signing process").
        const string canonicalRequest =
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n" +
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        var signature = SigV4Signer.Signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "iam", "20150830T123600Z", canonicalRequest);

        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [Fact]
    public void Signature_SameCanonicalRequest_AgreesWithTheAwsSdkSigner()
    {
        const string canonicalRequest = "POST\n/endpoints/llama/invocations\n\ncontent-type:application/json\nhost:runtime.sagemaker.eu-west-1.amazonaws.com\n" +
            "x-amz-date:20260105T090000Z\n\ncontent-type;host;x-amz-date\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        var ours = SigV4Signer.Signature(FakeSageMaker.SecretKey, "eu-west-1", "sagemaker", "20260105T090000Z", canonicalRequest);
        var sdk = AWS4Signer.ComputeSignature(FakeSageMaker.AccessKey, FakeSageMaker.SecretKey, "eu-west-1",
            new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc), "sagemaker", "content-type;host;x-amz-date", canonicalRequest);

        Assert.Equal(sdk.Signature, ours);
    }

    [Fact]
    public async Task Complete_InvokesEndpointWithSigV4_ReturnsAnswerAndUsage()
    {
        await using var fake = await FakeSageMaker.StartAsync();

        var result = await fake.Provider().CompleteAsync(Request(), Token);

        Assert.Equal(("Paris.", new TokenUsage(21, 2), "stop"), (result.Output, result.Usage, result.FinishReason));
        var sent = fake.Server.Single("POST", $"/endpoints/{Endpoint}/invocations");
        var authorization = sent.Header("Authorization")!;
        Assert.Matches(SigV4Verifier.AuthorizationPattern(), authorization);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={FakeSageMaker.AccessKey}/20260105/{FakeSageMaker.Region}/sagemaker/aws4_request, SignedHeaders=", authorization, StringComparison.Ordinal);
        Assert.Contains("host", authorization, StringComparison.Ordinal);
        Assert.Equal("20260105T090000Z", sent.Header("x-amz-date"));
        Assert.Equal(1, fake.VerifiedSignatures); // the fake recomputed the signature with the test's secret
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal(["system", "user"], body.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(64, body.RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_WrongSecret_IsRejectedAsAuthentication()
    {
        await using var fake = await FakeSageMaker.StartAsync();

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider(secretKey: "not-the-secret").CompleteAsync(Request(), Token));

        Assert.Equal((ProviderErrorClass.Authentication, 403), (error.ErrorClass, error.StatusCode));
        Assert.Equal(0, fake.VerifiedSignatures);
    }

    public static TheoryData<int, string, string, ProviderErrorClass> Errors => new()
    {
        { 429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "Rate exceeded", ProviderErrorClass.RateLimited },
        { 424, "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker/", "Received server error (500) from primary with message \"CUDA out of memory\"", ProviderErrorClass.ServerError },
        { 400, "ValidationError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "Endpoint llama of account 123 not found.", ProviderErrorClass.InvalidRequest },
        { 503, "ServiceUnavailable:http://internal.amazon.com/coral/com.amazon.coral.service/", "Service unavailable", ProviderErrorClass.ServerError },
        { 500, "InternalFailure:http://internal.amazon.com/coral/com.amazon.coral.service/", "Internal failure", ProviderErrorClass.ServerError },
        { 403, "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/", "not authorized to perform: sagemaker:InvokeEndpoint", ProviderErrorClass.Authentication },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Complete_ErrorAnswer_ThrowsItsErrorClass(int status, string errorType, string message, ProviderErrorClass expected)
    {
        await using var fake = await FakeSageMaker.StartAsync();
        fake.Invoke = () => new ErrorWithType(status, errorType, message);

        var error = await Assert.ThrowsAsync<ProviderException>(() => fake.Provider().CompleteAsync(Request(), Token));

        Assert.Equal((expected, status), (error.ErrorClass, error.StatusCode));
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(2) : null, error.RetryAfter);
    }

    [Fact]
    public async Task Batch_FullLifeCycle_UploadsInvokesAsyncAndReadsOutputsAsTheyLand()
    {
        await using var fake = await FakeSageMaker.StartAsync();
        var provider = fake.Provider();

        var submitted = await provider.SubmitBatchAsync(new BatchSubmission(Endpoint, "job-42", OpenAIProviderTests.Items(3)), Token);

        Assert.Equal((ProviderBatchState.InProgress, 3, 0), (submitted.State, submitted.Total, submitted.Completed));
        var prefix = $"{FakeSageMaker.Bucket}/controlplane/sagemaker/{submitted.ProviderBatchId}/";
        Assert.Equal([$"{prefix}batch.json", $"{prefix}input/req-0.json", $"{prefix}input/req-1.json", $"{prefix}input/req-2.json", $"{prefix}manifest.jsonl"],
            fake.Keys(prefix));
        var invocations = fake.Server.Requests.Where(r => r.Path == $"/endpoints/{Endpoint}/async-invocations").ToList();
        Assert.Equal(3, invocations.Count);
        Assert.Equal($"s3://{prefix}input/req-1.json", invocations[1].Header("X-Amzn-SageMaker-InputLocation"));
        Assert.Equal(3, fake.VerifiedSignatures);
        Assert.Contains("\"Question 1\"", fake.Text($"{prefix}input/req-1.json"), StringComparison.Ordinal);

        fake.Succeed("req-0", "Zero.", 10, 3);
        var partial = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.InProgress, 3, 1, 0, true), (partial.State, partial.Total, partial.Completed, partial.Failed, partial.HasResults));
        var early = Assert.Single(await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token));
        Assert.Equal(new BatchResultItem("req-0", BatchItemOutcome.Succeeded, "Zero.", new TokenUsage(10, 3), null, null), early);

        fake.Fail("req-1", "Received client error (400) from primary with message \"input too long\"");
        fake.Succeed("req-2", "Two.", 11, 4);
        var done = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Completed, 3, 2, 1), (done.State, done.Total, done.Completed, done.Failed));
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([("req-0", BatchItemOutcome.Succeeded), ("req-1", BatchItemOutcome.Errored), ("req-2", BatchItemOutcome.Succeeded)],
            results.Select(r => (r.CustomId, r.Outcome)));
        Assert.Contains("input too long", results[1].Error, StringComparison.Ordinal);

        Assert.Equal(submitted.ProviderBatchId, (await provider.FindBatchAsync(Endpoint, "job-42", Token))?.ProviderBatchId);
        Assert.Null(await provider.FindBatchAsync(Endpoint, "job-43", Token));
    }

    [Fact]
    public async Task Batch_PastItsTimeToLive_IsExpiredWithItsFinishedOutputs()
    {
        await using var fake = await FakeSageMaker.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission(Endpoint, "job-7", OpenAIProviderTests.Items(3)), Token);
        fake.Succeed("req-1", "One.", 9, 2);

        fake.Time.Advance(TimeSpan.FromHours(6) + TimeSpan.FromMinutes(1));

        var status = await provider.GetBatchAsync(submitted.ProviderBatchId, Token);
        Assert.Equal((ProviderBatchState.Expired, 1, 0), (status.State, status.Completed, status.Failed));
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([("req-0", BatchItemOutcome.Expired), ("req-1", BatchItemOutcome.Succeeded), ("req-2", BatchItemOutcome.Expired)],
            results.Select(r => (r.CustomId, r.Outcome)));
    }

    [Fact]
    public async Task Batch_Cancel_MarksUnfinishedItemsCancelledAndIsRepeatable()
    {
        await using var fake = await FakeSageMaker.StartAsync();
        var provider = fake.Provider();
        var submitted = await provider.SubmitBatchAsync(new BatchSubmission(Endpoint, "job-9", OpenAIProviderTests.Items(2)), Token);
        fake.Succeed("req-0", "Zero.", 5, 1);

        var cancelled = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);
        var again = await provider.CancelBatchAsync(submitted.ProviderBatchId, Token);

        Assert.Equal((ProviderBatchState.Cancelled, "cancelled", 1), (cancelled.State, cancelled.RawStatus, cancelled.Completed));
        Assert.Equal(ProviderBatchState.Cancelled, again.State);
        var results = await provider.ReadResultsAsync(submitted.ProviderBatchId, Token).ToListAsync(Token);
        Assert.Equal([BatchItemOutcome.Succeeded, BatchItemOutcome.Cancelled], results.Select(r => r.Outcome));
    }

    /// <summary>An AWS JSON error: x-amzn-ErrorType header, {"message"} body, and a Retry-After on throttling.</summary>
    private sealed class ErrorWithType(int status, string errorType, string message) : Microsoft.AspNetCore.Http.IResult
    {
        public async Task ExecuteAsync(Microsoft.AspNetCore.Http.HttpContext httpContext)
        {
            httpContext.Response.Headers["x-amzn-ErrorType"] = errorType;
            if (status == 429)
            {
                httpContext.Response.Headers.RetryAfter = "2";
            }
            httpContext.Response.StatusCode = status;
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(httpContext.Response, JsonSerializer.Serialize(new { message }), Token);
        }
    }
}
