using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Jobs.Tests.Providers.Simulator;

public sealed class SimulatedProviderRealtimeTests : IDisposable
{
    private readonly SimulatorHarness _harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task CompleteAsync_WithSameSeedAndRequest_ReturnsIdenticalOutput()
    {
        var first = await _harness.Provider().CompleteAsync(SimulatorHarness.Request(), Ct);
        var second = await _harness.Provider().CompleteAsync(SimulatorHarness.Request(), Ct);

        Assert.Equal(first.Output, second.Output);
        Assert.Equal(first.Usage, second.Usage);
        Assert.Equal(first.FinishReason, second.FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_WithDifferentRequestsOrSeeds_ReturnsDifferentAnswers()
    {
        var provider = _harness.Provider();
        var answers = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            var result = await provider.CompleteAsync(SimulatorHarness.Request(requestId: Guid.NewGuid()), Ct);
            answers.Add($"{result.Usage.OutputTokens}|{result.Output}");
        }
        var otherSeed = await _harness.Provider(o => o.Seed = 7).CompleteAsync(SimulatorHarness.Request(), Ct);
        var defaultSeed = await provider.CompleteAsync(SimulatorHarness.Request(), Ct);

        Assert.True(answers.Count > 5, $"Only {answers.Count} distinct answers in 10 requests.");
        Assert.NotEqual(defaultSeed.Usage, otherSeed.Usage);
    }

    [Fact]
    public async Task CompleteAsync_WithErrorRateOne_ThrowsRateLimitedWithRetryAfter()
    {
        var provider = _harness.Provider(o =>
        {
            o.RealtimeErrorRate = 1;
            (o.RateLimitedShare, o.ServerErrorShare, o.TimeoutShare) = (1, 0, 0);
            o.RetryAfter = TimeSpan.FromSeconds(3);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(SimulatorHarness.Request(), Ct));

        Assert.Equal(ProviderErrorClass.RateLimited, error.ErrorClass);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal("openai", error.Provider);
    }

    [Fact]
    public async Task CompleteAsync_WithOnlyServerErrors_Throws500Or503()
    {
        var provider = _harness.Provider(o =>
        {
            o.RealtimeErrorRate = 1;
            (o.RateLimitedShare, o.ServerErrorShare, o.TimeoutShare) = (0, 1, 0);
        });
        var statuses = new HashSet<int?>();

        for (var attempt = 1; attempt <= 40; attempt++)
        {
            var error = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(SimulatorHarness.Request(attempt: attempt), Ct));
            Assert.Equal(ProviderErrorClass.ServerError, error.ErrorClass);
            statuses.Add(error.StatusCode);
        }

        Assert.Equal([500, 503], statuses.Order());
    }

    [Fact]
    public async Task CompleteAsync_WithOnlyTimeouts_ThrowsTimeoutWithoutStatus()
    {
        var provider = _harness.Provider(o =>
        {
            o.RealtimeErrorRate = 1;
            (o.RateLimitedShare, o.ServerErrorShare, o.TimeoutShare) = (0, 0, 1);
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(SimulatorHarness.Request(), Ct));

        Assert.Equal(ProviderErrorClass.Timeout, error.ErrorClass);
        Assert.Null(error.StatusCode);
        Assert.True(error.ErrorClass.IsRetryable());
    }

    [Fact]
    public async Task CompleteAsync_Over2000Calls_FailsAtTheConfiguredRate()
    {
        var provider = _harness.Provider(o => o.RealtimeErrorRate = 0.10);
        var failures = 0;

        for (var i = 0; i < 2000; i++)
        {
            try
            {
                await provider.CompleteAsync(SimulatorHarness.Request(requestId: Guid.NewGuid()), Ct);
            }
            catch (ProviderException)
            {
                failures++;
            }
        }

        Assert.InRange(failures / 2000.0, 0.08, 0.12);
    }

    [Fact]
    public async Task CompleteAsync_WithRetryOfFailedRequest_CanSucceedOnANewAttempt()
    {
        // The attempt number is part of the draw, so a retry is a new roll rather than the same failure forever.
        var provider = _harness.Provider(o => o.RealtimeErrorRate = 0.5);
        var outcomes = new HashSet<bool>();

        for (var attempt = 1; attempt <= 20; attempt++)
        {
            try
            {
                await provider.CompleteAsync(SimulatorHarness.Request(attempt: attempt), Ct);
                outcomes.Add(true);
            }
            catch (ProviderException)
            {
                outcomes.Add(false);
            }
        }

        Assert.Equal(2, outcomes.Count);
    }

    [Fact]
    public async Task CompleteAsync_WithLongerInput_CountsMoreInputTokens()
    {
        var provider = _harness.Provider();

        var shortAnswer = await provider.CompleteAsync(SimulatorHarness.Request(new string('a', 40)), Ct);
        var longAnswer = await provider.CompleteAsync(SimulatorHarness.Request(new string('a', 4000)), Ct);

        // "You are terse." (14 chars) + the question; ceil(chars / 4) + 4 per message.
        Assert.Equal((14 + 40 + 3) / 4 + 8, shortAnswer.Usage.InputTokens);
        Assert.Equal((14 + 4000 + 3) / 4 + 8, longAnswer.Usage.InputTokens);
    }

    [Fact]
    public async Task CompleteAsync_OutputTokens_RespectMaxOutputTokens()
    {
        var provider = _harness.Provider();
        var capped = new List<int>();
        var uncapped = new List<int>();

        for (var i = 0; i < 200; i++)
        {
            capped.Add((await provider.CompleteAsync(SimulatorHarness.Request(maxOutputTokens: 50, requestId: Guid.NewGuid()), Ct)).Usage.OutputTokens);
            uncapped.Add((await provider.CompleteAsync(SimulatorHarness.Request(requestId: Guid.NewGuid()), Ct)).Usage.OutputTokens);
        }

        Assert.All(capped, tokens => Assert.InRange(tokens, 1, 50));
        Assert.All(uncapped, tokens => Assert.InRange(tokens, 1, 512));
        Assert.True(uncapped.Max() > 50, "Without a cap the answers should be longer than the capped ones.");
    }

    [Fact]
    public async Task CompleteAsync_Answer_NamesModelAndQuestionAndRoughlyMatchesTokens()
    {
        var question = "Please explain, in simple words, why the sky looks blue during the day and red at sunset.";

        var result = await _harness.Provider().CompleteAsync(SimulatorHarness.Request(question), Ct);

        Assert.StartsWith($"Simulated answer from openai/gpt-4o-mini to: \"{question[..60]}\".", result.Output, StringComparison.Ordinal);
        Assert.InRange(result.Output.Length, result.Usage.OutputTokens * 4 - 80, result.Usage.OutputTokens * 4 + 120);
        Assert.DoesNotContain("lorem", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CompleteAsync_WithLatency_WaitsOnTheTimeProvider()
    {
        var provider = _harness.Provider(o => (o.RealtimeLatencyMedianMs, o.RealtimeLatencySigma) = (400, 0));

        var call = provider.CompleteAsync(SimulatorHarness.Request(), Ct);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.False(call.IsCompleted);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await call;

        Assert.Equal(TimeSpan.FromMilliseconds(400), result.Latency);
    }

    [Fact]
    public void Capabilities_AreTheProvidersLimitsWithTheCompressedWindow()
    {
        var provider = _harness.Provider(o => o.BatchWindow = TimeSpan.FromMinutes(7));

        Assert.True(provider.IsSimulated);
        Assert.Equal("openai", provider.Provider);
        Assert.Equal(TimeSpan.FromMinutes(7), provider.Capabilities.BatchWindow);
        Assert.Equal(ProviderCapabilities.For(ProviderIds.OpenAI).MaxBatchRequests, provider.Capabilities.MaxBatchRequests);
        Assert.Equal(ProviderCapabilities.For(ProviderIds.OpenAI).BatchDiscount, provider.Capabilities.BatchDiscount);
    }
}
