using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Routing;

/// <summary><c>ControlPlane:Routing</c>: what the hybrid routing decision assumes about the batch path.</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "ControlPlane:Routing";

    /// <summary>Expected batch turnaround at real providers (their window is 24 h; most finish far sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "2.00:00:00")]
    public TimeSpan ExpectedBatchTurnaround { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Room kept on top of the turnaround so a late batch can still be promoted to real time in time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SafetyMargin { get; set; } = TimeSpan.FromMinutes(10);
}
