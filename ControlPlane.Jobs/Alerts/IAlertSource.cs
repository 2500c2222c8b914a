using ControlPlane.Domain.Alerts;

namespace ControlPlane.Jobs.Alerts;

/// <summary>A part of the system that knows conditions of its own (e.g. open circuit breakers) for the alert centre.</summary>
public interface IAlertSource
{
    IEnumerable<AlertCondition> CurrentConditions(DateTimeOffset now);
}
