namespace ControlPlane.Domain.Rollups;

/// <summary>Where the roll-up job stopped: the last telemetry event it has accounted for.</summary>
public sealed class RollupState
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    public long LastTelemetryId { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }
}
