using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Telemetry;

/// <summary><c>ControlPlane:Telemetry</c>: the background writer's buffer.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "ControlPlane:Telemetry";

    /// <summary>Events buffered in memory; when full, writers wait (back-pressure) rather than drop events.</summary>
    [Range(100, 1_000_000)]
    public int Capacity { get; set; } = 50_000;

    /// <summary>Most events written in one transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1_000;
}
