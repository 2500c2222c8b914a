using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Realtime;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static ControlPlane.Jobs.Tests.Realtime.ScriptedProvider;

namespace ControlPlane.Jobs.Tests.Realtime;

public sealed class RealtimeExecutorTests
{
    private static readonly ModelRef A = new("openai", "a");
    private static readonly ModelRef B = new("anthropic", "b");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly ScriptedProvider _openai;
    private readonly ScriptedProvider _anthropic;
    private readonly RealtimeOptions _options = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(10), MaxAttemptsPerModel = 3, BaseDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(5), MaxRetryAfter = TimeSpan.FromSeconds(10),
        BreakerFailureThreshold = 5, BreakerOpenDuration = TimeSpan.FromSeconds(30),
    };
    private readonly CircuitBreakers _breakers;
    private readonly RealtimeExecutor _executor;

    public RealtimeExecutorTests()
    {
        _openai = new ScriptedProvider("openai", _clock);
        _anthropic = new ScriptedProvider("anthropic", _clock);
        _breakers = new CircuitBreakers(Options.Create(_options), _clock);
        _executor = new RealtimeExecutor(new ScriptedRegistry(_openai, _anthropic), _breakers, Options.Create(_options), _clock);
    }

    private async Task<RealtimeOutcome> RunAsync(params ModelRef[] candidates)
    {
        var task = _executor.ExecuteAsync(new RealtimeCall(Guid.NewGuid(), candidates, [new ChatMessage(ChatRole.User, "hi")], 100),
            TestContext.Current.CancellationToken);
        // Drive the fake clock until the executor is done: its waits (backoff, timeouts) only pass when we advance.
        // Small real pauses let the executor's continuations run between steps on a busy machine.
        var stopAt = DateTime.UtcNow.AddSeconds(60);
        while (!task.IsCompleted && DateTime.UtcNow < stopAt)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
            _clock.Advance(TimeSpan.FromMilliseconds(50));
        }
        Assert.True(task.IsCompleted, "the executor did not finish");
        return await task;
    }

    [Fact]
    public async Task Execute_TransientErrorThenAnswer_RetriesTheSameModelAndSucceeds()
    {
        _openai.Then("a", Fails(ProviderErrorClass.ServerError), Answers("ok"));
        var outcome = await RunAsync(A, B);
        Assert.True(outcome.Succeeded);
        Assert.Equal(A, outcome.ServedBy);
        Assert.Equal(2, outcome.Attempts.Count);
        Assert.Empty(outcome.Switches);
        Assert.Empty(_anthropic.Calls);
    }

    [Fact]
    public async Task Execute_RetryAfter_WaitsAtLeastThatLongBeforeTheNextTry()
    {
        _openai.Then("a", Fails(ProviderErrorClass.RateLimited, TimeSpan.FromSeconds(3)), Answers("ok"));
        var outcome = await RunAsync(A);
        Assert.True(outcome.Succeeded);
        Assert.True(_openai.Calls[1].At - _openai.Calls[0].At >= TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.Attempts[0].RetryDelay);
    }

    [Fact]
    public async Task Execute_RetryAfterLongerThanACallerWaits_MovesToTheFallbackAtOnce()
    {
        _openai.Then("a", Fails(ProviderErrorClass.RateLimited, TimeSpan.FromMinutes(5)));
        var outcome = await RunAsync(A, B);
        Assert.Equal(B, outcome.ServedBy);
        Assert.Single(_openai.Calls);
        Assert.Contains("retry after", Assert.Single(outcome.Switches).Reason);
    }

    [Fact]
    public async Task Execute_BackoffGrowsExponentiallyWithJitter()
    {
        _openai.Then("a", Fails(ProviderErrorClass.Overloaded), Fails(ProviderErrorClass.Overloaded), Answers("ok"));
        var outcome = await RunAsync(A);
        var first = outcome.Attempts[0].RetryDelay!.Value;
        var second = outcome.Attempts[1].RetryDelay!.Value;
        Assert.InRange(first.TotalMilliseconds, 100, 200);
        Assert.InRange(second.TotalMilliseconds, 200, 400);
    }

    [Theory]
    [InlineData(ProviderErrorClass.Authentication)]
    [InlineData(ProviderErrorClass.QuotaExhausted)]
    public async Task Execute_NonRetryableProviderError_SkipsRetriesAndFallsBack(ProviderErrorClass errorClass)
    {
        _openai.Then("a", Fails(errorClass));
        var outcome = await RunAsync(A, B);
        Assert.Single(_openai.Calls);
        Assert.Equal(B, outcome.ServedBy);
        var change = Assert.Single(outcome.Switches);
        Assert.Equal((A, B), (change.From, change.To));
    }

    [Fact]
    public async Task Execute_InvalidRequest_FailsWithoutRetryOrFallback()
    {
        _openai.Then("a", Fails(ProviderErrorClass.InvalidRequest));
        var outcome = await RunAsync(A, B);
        Assert.False(outcome.Succeeded);
        Assert.True(outcome.RejectedAsInvalid);
        Assert.Single(_openai.Calls);
        Assert.Empty(_anthropic.Calls);
    }

    [Fact]
    public async Task Execute_AttemptTimeout_CountsAsTimeoutAndRetries()
    {
        _openai.Then("a", Hang, Answers("late but fine"));
        var outcome = await RunAsync(A);
        Assert.True(outcome.Succeeded);
        Assert.Equal(ProviderErrorClass.Timeout, outcome.Attempts[0].ErrorClass);
        Assert.True(outcome.Attempts[0].Latency >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Execute_RetriesExhausted_FallsBackToTheNextModel()
    {
        _openai.Then("a", Fails(ProviderErrorClass.ServerError), Fails(ProviderErrorClass.ServerError), Fails(ProviderErrorClass.ServerError));
        var outcome = await RunAsync(A, B);
        Assert.Equal(3, _openai.Calls.Count);
        Assert.Equal(B, outcome.ServedBy);
        Assert.Equal(4, outcome.Attempts.Count);
    }

    [Fact]
    public async Task Execute_AllCandidatesDown_ReportsEveryModelTried()
    {
        foreach (var _ in Enumerable.Range(0, 3))
        {
            _openai.Then("a", Fails(ProviderErrorClass.ServerError));
            _anthropic.Then("b", Fails(ProviderErrorClass.Overloaded));
        }
        var outcome = await RunAsync(A, B);
        Assert.False(outcome.Succeeded);
        Assert.Equal(["openai/a", "anthropic/b"], outcome.Tried.Select(t => t.Model));
        Assert.Equal(ProviderErrorClass.Overloaded, outcome.FinalErrorClass);
    }

    [Fact]
    public async Task Execute_AfterRepeatedFailures_CircuitOpensAndTheModelIsSkipped()
    {
        for (var i = 0; i < 6; i++)
        {
            _openai.Then("a", Fails(ProviderErrorClass.ServerError));
        }
        await RunAsync(A, B); // 3 failures
        await RunAsync(A, B); // 2 more: the circuit opens at 5
        Assert.Equal(CircuitState.Open, _breakers.StateOf(A));
        var callsBefore = _openai.Calls.Count;

        var outcome = await RunAsync(A, B);
        Assert.Equal(callsBefore, _openai.Calls.Count);
        Assert.Equal(B, outcome.ServedBy);
        Assert.Contains("circuit open", outcome.Switches.Single().Reason);
    }

    [Fact]
    public async Task Execute_AfterTheOpenPeriod_OneTrialCallClosesTheCircuit()
    {
        for (var i = 0; i < 5; i++)
        {
            _breakers.RecordFailure(A);
        }
        _clock.Advance(TimeSpan.FromSeconds(31));
        _openai.Then("a", Answers("back"));
        var outcome = await RunAsync(A, B);
        Assert.Equal(A, outcome.ServedBy);
        Assert.Equal(CircuitState.Closed, _breakers.StateOf(A));
    }

    [Fact]
    public void CircuitBreaker_HalfOpen_LetsOnlyOneTrialThrough()
    {
        for (var i = 0; i < 5; i++)
        {
            _breakers.RecordFailure(A);
        }
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(_breakers.TryEnter(A, out _));
        Assert.False(_breakers.TryEnter(A, out _));
        _breakers.RecordFailure(A);
        Assert.Equal(CircuitState.Open, _breakers.StateOf(A));
    }
}
