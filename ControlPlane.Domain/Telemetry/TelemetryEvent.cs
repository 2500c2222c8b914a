using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;

namespace ControlPlane.Domain.Telemetry;

/// <summary>
/// The one event shape of DESIGN.md "Unified telemetry": batch job events are written per request in
/// this same shape, so one log, one dashboard and one SLA cover both modes.
/// </summary>
/// <param name="LatencyMs">Real-time: the call's latency. Batch: receipt → result.</param>
public sealed record TelemetryEvent(
    DateTimeOffset Time,
    Guid RequestId,
    Guid WorkloadId,
    Guid TeamId,
    RequestMode? Mode,
    string? Provider,
    string? Model,
    TelemetryEventType EventType,
    double? LatencyMs = null,
    int InputTokens = 0,
    int OutputTokens = 0,
    decimal Cost = 0m,
    ProviderErrorClass? ErrorClass = null,
    int Attempt = 0,
    Guid? BatchJobId = null,
    string? Detail = null)
{
    /// <summary>Store-assigned, increasing: lets roll-ups resume where they stopped.</summary>
    public long Id { get; init; }
}
