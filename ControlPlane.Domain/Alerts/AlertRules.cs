using ControlPlane.Domain.Sla;

namespace ControlPlane.Domain.Alerts;

/// <summary>The thresholds alerts are raised at, as pure functions of figures the evaluator gathers.</summary>
public static class AlertRules
{
    /// <summary>Budget use thresholds: a warning at 80 %, critical at 100 %.</summary>
    public static AlertCondition? Budget(string scope, Guid id, string name, decimal? budget, decimal monthToDate, string month, string? link)
    {
        if (budget is not > 0)
        {
            return null;
        }
        var used = monthToDate / budget.Value;
        var (level, severity) = used switch
        {
            >= 1m => (100, AlertSeverity.Critical),
            >= 0.8m => (80, AlertSeverity.Warning),
            _ => (0, AlertSeverity.Info),
        };
        return level == 0 ? null : new AlertCondition($"budget:{scope}:{id}:{level}:{month}", "budget", severity,
            $"{name} has used {used:P0} of its monthly budget",
            $"${monthToDate:N2} of ${budget:N2} spent in {month}.", link);
    }

    /// <summary>
    /// Error budget burning too fast: over the last hour the share of misses is more than <paramref name="maxBurnRate"/>
    /// times what the availability target allows (a burn rate of 1 spends the budget exactly over the period).
    /// </summary>
    public static AlertCondition? SlaBurn(Guid workloadId, string name, SlaFigures lastHour, decimal maxBurnRate, int minimumRequests, string? link)
    {
        if (lastHour.Terminal < minimumRequests || lastHour.AvailabilityTargetPercent >= 100)
        {
            return null;
        }
        var missShare = (decimal)lastHour.Misses / lastHour.Terminal;
        var allowedShare = (100m - lastHour.AvailabilityTargetPercent) / 100m;
        var burnRate = missShare / allowedShare;
        return burnRate <= maxBurnRate ? null : new AlertCondition($"sla-burn:{workloadId}", "sla", burnRate > maxBurnRate * 3 ? AlertSeverity.Critical : AlertSeverity.Warning,
            $"{name} is burning its error budget {burnRate:0.#}× too fast",
            $"{lastHour.Misses:N0} of {lastHour.Terminal:N0} requests missed the SLA in the last hour (target {lastHour.AvailabilityTargetPercent:0.###} %).", link);
    }
}
