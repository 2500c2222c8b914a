using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Errors;

namespace ControlPlane.Jobs.Tests.Providers.Errors;

public sealed class ProviderErrorsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(429, null, ProviderErrorClass.RateLimited)]
    [InlineData(429, "insufficient_quota", ProviderErrorClass.QuotaExhausted)]
    [InlineData(402, null, ProviderErrorClass.QuotaExhausted)]
    [InlineData(529, null, ProviderErrorClass.Overloaded)]
    [InlineData(529, "overloaded_error", ProviderErrorClass.Overloaded)]
    [InlineData(401, null, ProviderErrorClass.Authentication)]
    [InlineData(403, null, ProviderErrorClass.Authentication)]
    [InlineData(400, null, ProviderErrorClass.InvalidRequest)]
    [InlineData(404, null, ProviderErrorClass.InvalidRequest)]
    [InlineData(422, null, ProviderErrorClass.InvalidRequest)]
    [InlineData(408, null, ProviderErrorClass.Timeout)]
    [InlineData(504, "DEADLINE_EXCEEDED", ProviderErrorClass.Timeout)]
    [InlineData(500, null, ProviderErrorClass.ServerError)]
    [InlineData(503, null, ProviderErrorClass.ServerError)]
    [InlineData(424, "ModelError", ProviderErrorClass.ServerError)]
    [InlineData(400, "ThrottlingException", ProviderErrorClass.RateLimited)]
    public void Classify_StatusAndProviderWord_GivesTheErrorClassTheExecutorRetriesOn(int status, string? word, ProviderErrorClass expected) =>
        Assert.Equal(expected, ProviderErrors.Classify(status, word));

    [Fact]
    public void RetryAfter_MillisecondsHeader_WinsOverSeconds()
    {
        var headers = new Dictionary<string, string> { ["retry-after-ms"] = "1500", ["retry-after"] = "2" };
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ProviderErrors.RetryAfter(n => headers.GetValueOrDefault(n), Now));
    }

    [Fact]
    public void RetryAfter_HttpDate_IsTheTimeUntilThatDate()
    {
        var headers = new Dictionary<string, string> { ["retry-after"] = Now.AddSeconds(30).ToString("r") };
        Assert.Equal(TimeSpan.FromSeconds(30), ProviderErrors.RetryAfter(n => headers.GetValueOrDefault(n), Now));
    }

    [Fact]
    public void RetryAfter_NoHeader_IsUnknown() => Assert.Null(ProviderErrors.RetryAfter(_ => null, Now));

    [Fact]
    public void FromHttp_GoogleRetryInfo_GivesRetryAfterFromTheBody()
    {
        const string body = """
            {"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED",
             "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"17s"}]}}
            """;
        var error = ProviderErrors.FromHttp("gemini", 429, _ => null, body, Now);
        Assert.Equal(ProviderErrorClass.RateLimited, error.ErrorClass);
        Assert.Equal(TimeSpan.FromSeconds(17), error.RetryAfter);
        Assert.Contains("Resource has been exhausted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromHttp_OpenAiQuotaBody_IsQuotaExhaustedNotRateLimited()
    {
        const string body = """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}""";
        var error = ProviderErrors.FromHttp("openai", 429, _ => null, body, Now);
        Assert.Equal(ProviderErrorClass.QuotaExhausted, error.ErrorClass);
        Assert.False(error.ErrorClass.IsRetryable());
    }

    [Fact]
    public void FromException_TimeoutWithoutCallerCancellation_IsTimeout()
    {
        var error = ProviderErrors.FromException("openai", new TaskCanceledException("timed out"), CancellationToken.None);
        Assert.Equal(ProviderErrorClass.Timeout, error!.ErrorClass);
    }
}
