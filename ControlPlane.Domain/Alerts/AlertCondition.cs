namespace ControlPlane.Domain.Alerts;

/// <summary>A condition that holds now, as an evaluator found it.</summary>
public sealed record AlertCondition(string Key, string Kind, AlertSeverity Severity, string Title, string Detail, string? Link);

/// <summary>What one evaluation changed: alerts to raise (and notify) and alerts that cleared.</summary>
public sealed record AlertChanges(IReadOnlyList<Alert> Raised, IReadOnlyList<Alert> Cleared);

public static class AlertReconciler
{
    /// <summary>
    /// Matches the conditions that hold now with the open alerts: a new condition raises one alert, a condition
    /// still holding only refreshes its alert, and an open alert whose condition is gone is cleared.
    /// </summary>
    public static AlertChanges Reconcile(IReadOnlyList<Alert> open, IReadOnlyList<AlertCondition> holding, DateTimeOffset now)
    {
        var byKey = open.Where(a => a.IsOpen).ToDictionary(a => a.Key);
        var raised = new List<Alert>();
        foreach (var condition in holding.DistinctBy(c => c.Key))
        {
            if (byKey.Remove(condition.Key, out var existing))
            {
                existing.StillHolds(condition.Detail, now);
            }
            else
            {
                raised.Add(new Alert(condition.Key, condition.Kind, condition.Severity, condition.Title, condition.Detail, condition.Link, now));
            }
        }
        foreach (var gone in byKey.Values)
        {
            gone.Clear(now);
        }
        return new AlertChanges(raised, [.. byKey.Values]);
    }
}
