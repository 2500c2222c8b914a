using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Realtime;

/// <summary>
/// Runs one real-time request: per-attempt timeout, retries with exponential backoff and jitter that honour
/// Retry-After, no retry on errors that cannot succeed later, a circuit breaker per provider+model, and then the
/// workload's fallback chain. It only reports what happened; the caller records the request, costs and events.
/// </summary>
public sealed class RealtimeExecutor(
    IProviderRegistry providers,
    CircuitBreakers breakers,
    IOptions<RealtimeOptions> options,
    TimeProvider clock)
{
    public async Task<RealtimeOutcome> ExecuteAsync(RealtimeCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var settings = options.Value;
        var attempts = new List<AttemptRecord>();
        var switches = new List<ModelSwitch>();
        var tried = new List<TriedModel>();
        ModelRef? previous = null;
        string? leaveReason = null;
        ProviderErrorClass? lastClass = null;
        string? lastError = null;

        foreach (var candidate in call.Candidates)
        {
            if (previous is not null)
            {
                switches.Add(new ModelSwitch(previous, candidate, leaveReason ?? "previous model failed", clock.GetUtcNow()));
            }
            previous = candidate;
            var onThisModel = 0;

            while (true)
            {
                if (!breakers.TryEnter(candidate, out var openUntil))
                {
                    leaveReason = $"circuit open for {candidate} until {openUntil:HH:mm:ss} UTC after repeated failures";
                    tried.Add(new TriedModel(candidate.ToString(), onThisModel, onThisModel == 0 ? "skipped: circuit open" : $"circuit opened after {lastClass}: {lastError}"));
                    break;
                }

                onThisModel++;
                var number = attempts.Count + 1;
                var started = clock.GetUtcNow();
                var (result, errorClass, error, retryAfter) = await CallAsync(call, candidate, number, settings.AttemptTimeout, cancellationToken);
                var latency = clock.GetUtcNow() - started;

                if (result is not null)
                {
                    breakers.RecordSuccess(candidate);
                    attempts.Add(new AttemptRecord(number, candidate, started, result.Latency > TimeSpan.Zero ? result.Latency : latency, null, null, null));
                    tried.Add(new TriedModel(candidate.ToString(), onThisModel, "succeeded"));
                    return new RealtimeOutcome(result, candidate, attempts, switches, tried, null, null);
                }

                lastClass = errorClass;
                lastError = error;
                if (errorClass == ProviderErrorClass.InvalidRequest)
                {
                    // The request itself is at fault: retrying or another model would be rejected the same way.
                    attempts.Add(new AttemptRecord(number, candidate, started, latency, errorClass, error, null));
                    tried.Add(new TriedModel(candidate.ToString(), onThisModel, $"rejected as invalid: {error}"));
                    return new RealtimeOutcome(null, null, attempts, switches, tried, errorClass, error);
                }

                breakers.RecordFailure(candidate);
                var delay = NextDelay(errorClass!.Value, onThisModel, retryAfter, settings, out var stopReason);
                attempts.Add(new AttemptRecord(number, candidate, started, latency, errorClass, error, delay));
                if (delay is null)
                {
                    leaveReason = stopReason;
                    tried.Add(new TriedModel(candidate.ToString(), onThisModel, $"{errorClass}: {error}"));
                    break;
                }
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay.Value, clock, cancellationToken);
                }
            }
        }

        return new RealtimeOutcome(null, null, attempts, switches, tried, lastClass, lastError);
    }

    /// <summary>The wait before the next try on the same model, or null (with the reason) to move on.</summary>
    internal static TimeSpan? NextDelay(ProviderErrorClass errorClass, int attemptsOnModel, TimeSpan? retryAfter,
        RealtimeOptions settings, out string stopReason)
    {
        if (!errorClass.IsRetryable())
        {
            stopReason = $"{errorClass} is not worth retrying on the same model";
            return null;
        }
        if (attemptsOnModel >= settings.MaxAttemptsPerModel)
        {
            stopReason = $"{errorClass} on {attemptsOnModel} attempt(s)";
            return null;
        }
        if (retryAfter > settings.MaxRetryAfter)
        {
            stopReason = $"{errorClass}: provider asked to retry after {retryAfter.Value.TotalSeconds:0.#} s, longer than a caller should wait";
            return null;
        }
        stopReason = "";
        // Exponential backoff with "equal jitter": half fixed, half random, so retries of many callers spread out.
        var exponential = Math.Min(settings.BaseDelay.TotalMilliseconds * Math.Pow(2, attemptsOnModel - 1), settings.MaxDelay.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }

    private async Task<(CompletionResult? Result, ProviderErrorClass? Class, string? Error, TimeSpan? RetryAfter)> CallAsync(
        RealtimeCall call, ModelRef model, int attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            var provider = providers.Get(model.Provider);
            var request = new CompletionRequest(call.RequestId, model.Model, call.Messages, call.MaxOutputTokens, attempt);
            return (await provider.CompleteAsync(request, linked.Token), null, null, null);
        }
        catch (ProviderException ex)
        {
            return (null, ex.ErrorClass, ex.Message, ex.RetryAfter);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, ProviderErrorClass.Timeout, $"no answer within {timeout.TotalSeconds:0.###} s", null);
        }
        catch (DomainException ex)
        {
            // The registry refused the provider (no connection, no stand-in): as good as bad credentials.
            return (null, ProviderErrorClass.Authentication, ex.Message, null);
        }
    }
}
