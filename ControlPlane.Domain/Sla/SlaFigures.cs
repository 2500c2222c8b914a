namespace ControlPlane.Domain.Sla;

/// <summary>
/// SLA arithmetic over a period (DESIGN.md "SLA"): compliance is within-SLA ÷ requests that reached a terminal
/// state; availability is succeeded ÷ terminal; the error budget is the share of terminal requests the
/// availability target allows to miss, and burn is how much of it the misses used.
/// </summary>
public sealed record SlaFigures(long Terminal, long Succeeded, long WithinSla, decimal AvailabilityTargetPercent)
{
    public decimal? CompliancePercent => Terminal == 0 ? null : Math.Round(100m * WithinSla / Terminal, 3);

    public decimal? AvailabilityPercent => Terminal == 0 ? null : Math.Round(100m * Succeeded / Terminal, 3);

    /// <summary>How many terminal requests may miss the SLA before the target is broken.</summary>
    public decimal AllowedMisses => Terminal * (100m - AvailabilityTargetPercent) / 100m;

    public long Misses => Terminal - WithinSla;

    /// <summary>Share of the error budget used (1 = all of it; above 1 = target broken). Null with no budget.</summary>
    public decimal? BudgetBurn => AllowedMisses == 0 ? (Misses == 0 ? 0 : null) : Math.Round(Misses / AllowedMisses, 4);

    /// <summary>Share of the error budget left, never below zero.</summary>
    public decimal? BudgetRemaining => BudgetBurn is { } burn ? Math.Max(0, 1 - burn) : 0;

    public bool IsBreaching => CompliancePercent is { } compliance && compliance < AvailabilityTargetPercent;

    public SlaFigures Add(SlaFigures other) =>
        this with { Terminal = Terminal + other.Terminal, Succeeded = Succeeded + other.Succeeded, WithinSla = WithinSla + other.WithinSla };
}
