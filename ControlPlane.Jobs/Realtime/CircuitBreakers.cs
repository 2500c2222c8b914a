using System.Collections.Concurrent;
using ControlPlane.Domain.Alerts;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Alerts;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Realtime;

public enum CircuitState { Closed, Open, HalfOpen }

/// <summary>
/// One circuit per provider+model, in memory: after <see cref="RealtimeOptions.BreakerFailureThreshold"/> consecutive
/// failures the model is skipped for <see cref="RealtimeOptions.BreakerOpenDuration"/>, then one trial call decides.
/// Per instance by design: each web instance learns a provider's health from its own calls.
/// </summary>
public sealed class CircuitBreakers(IOptions<RealtimeOptions> options, TimeProvider clock) : IAlertSource
{
    private readonly ConcurrentDictionary<ModelRef, Circuit> _circuits = new();

    public bool TryEnter(ModelRef model, out DateTimeOffset openUntil) =>
        Get(model).TryEnter(clock.GetUtcNow(), out openUntil);

    public void RecordSuccess(ModelRef model) => Get(model).Success();

    public void RecordFailure(ModelRef model) =>
        Get(model).Failure(clock.GetUtcNow(), options.Value.BreakerFailureThreshold, options.Value.BreakerOpenDuration);

    public CircuitState StateOf(ModelRef model) => _circuits.TryGetValue(model, out var c) ? c.State : CircuitState.Closed;

    /// <summary>An open (or half-open) circuit is an alert until a call succeeds again. In-memory: this instance's view.</summary>
    public IEnumerable<AlertCondition> CurrentConditions(DateTimeOffset now) =>
        _circuits.Where(c => c.Value.State != CircuitState.Closed).Select(c => new AlertCondition(
            $"circuit:{c.Key}", "provider", AlertSeverity.Warning,
            $"Circuit open for {c.Key}",
            $"After repeated failures real-time calls to {c.Key} are skipped until {c.Value.OpenUntil:HH:mm:ss} UTC; the fallback chain serves instead.",
            "/providers"));

    private Circuit Get(ModelRef model) => _circuits.GetOrAdd(model, _ => new Circuit());

    private sealed class Circuit
    {
        private readonly Lock _lock = new();
        private int _failures;
        private DateTimeOffset _openUntil;
        private bool _trialInFlight;

        public CircuitState State { get; private set; }

        public DateTimeOffset OpenUntil => _openUntil;

        public bool TryEnter(DateTimeOffset now, out DateTimeOffset openUntil)
        {
            lock (_lock)
            {
                openUntil = _openUntil;
                switch (State)
                {
                    case CircuitState.Closed:
                        return true;
                    case CircuitState.Open when now >= _openUntil:
                        State = CircuitState.HalfOpen;
                        _trialInFlight = true;
                        return true;
                    case CircuitState.HalfOpen when !_trialInFlight:
                        _trialInFlight = true;
                        return true;
                    default:
                        return false;
                }
            }
        }

        public void Success()
        {
            lock (_lock)
            {
                State = CircuitState.Closed;
                _failures = 0;
                _trialInFlight = false;
            }
        }

        public void Failure(DateTimeOffset now, int threshold, TimeSpan openFor)
        {
            lock (_lock)
            {
                _failures++;
                _trialInFlight = false;
                if (State == CircuitState.HalfOpen || _failures >= threshold)
                {
                    State = CircuitState.Open;
                    _openUntil = now + openFor;
                }
            }
        }
    }
}
