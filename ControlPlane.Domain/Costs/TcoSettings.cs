using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Costs;

/// <summary>
/// The parts of total cost of ownership that are not API spend: the engineering time each mode takes
/// to run (people × hours × rate) and infrastructure. One row; admins edit it.
/// </summary>
public sealed class TcoSettings
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    /// <summary>People who spend part of their month on running the real-time path.</summary>
    public decimal RealtimeEngineers { get; private set; }

    public decimal RealtimeHoursPerEngineerPerMonth { get; private set; }

    /// <summary>People who spend part of their month on the batch path: pipelines, polling, reconciliation.</summary>
    public decimal BatchEngineers { get; private set; }

    public decimal BatchHoursPerEngineerPerMonth { get; private set; }

    /// <summary>Loaded cost of an engineering hour in US dollars.</summary>
    public decimal HourlyRate { get; private set; }

    /// <summary>Monthly infrastructure cost of running ControlPlane and its pipelines.</summary>
    public decimal InfrastructurePerMonth { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public void Update(decimal realtimeEngineers, decimal realtimeHours, decimal batchEngineers, decimal batchHours,
        decimal hourlyRate, decimal infrastructurePerMonth, DateTimeOffset at)
    {
        if (new[] { realtimeEngineers, realtimeHours, batchEngineers, batchHours, hourlyRate, infrastructurePerMonth }.Any(v => v < 0))
        {
            throw new DomainException("TCO settings cannot be negative.");
        }
        if (realtimeHours > 744 || batchHours > 744)
        {
            throw new DomainException("A month has at most 744 hours.");
        }
        RealtimeEngineers = realtimeEngineers;
        RealtimeHoursPerEngineerPerMonth = realtimeHours;
        BatchEngineers = batchEngineers;
        BatchHoursPerEngineerPerMonth = batchHours;
        HourlyRate = hourlyRate;
        InfrastructurePerMonth = infrastructurePerMonth;
        UpdatedAt = at;
    }

    public decimal MonthlyOverhead(RequestMode mode) => mode == RequestMode.Batch
        ? BatchEngineers * BatchHoursPerEngineerPerMonth * HourlyRate
        : RealtimeEngineers * RealtimeHoursPerEngineerPerMonth * HourlyRate;
}
